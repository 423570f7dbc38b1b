//! Rust names for spec things: progenitor's identifier rules, and derived operation ids.

use heck::{ToPascalCase, ToSnakeCase};

/// The snake_case identifier progenitor makes of `input` (its `sanitize`, reproduced so that
/// names we emit, such as the unauthenticated-operation list, match `OperationInfo`).
pub fn sanitize_snake(input: &str) -> String {
    sanitize(input, |s| s.to_snake_case())
}

/// Methods every generated `Client` has besides its operations: progenitor's constructors,
/// its `ClientInfo` trait (`api_version`, `baseurl`, `client`, `inner`) and its `ClientHooks`
/// trait (`pre`, `post`, `exec`), which the generated code calls on the client. An operation
/// method of one of these names would not compile (E0592) or would shadow them.
pub const CLIENT_METHODS: &[&str] = &[
    "new",
    "new_with_client",
    "api_version",
    "baseurl",
    "client",
    "inner",
    "pre",
    "post",
    "exec",
];

/// Added to clients that carry `sdk_auth::Auth` (`auth = true`): the SDK's
/// `Authenticated::auth`, which an operation method of that name would shadow.
pub const AUTH_CLIENT_METHODS: &[&str] = &["auth"];

/// Types the generated `builder` module names unqualified (its imports from
/// `progenitor_client` and the prelude types its code spells out). An operation's builder
/// struct is named after the operation (`result` → `builder::Result`); one of these names
/// would clash with the import (E0255) or shadow the type.
pub const BUILDER_MODULE_TYPES: &[&str] = &[
    "ByteStream",
    "ClientHooks",
    "ClientInfo",
    "Error",
    "OperationInfo",
    "RequestBuilderExt",
    "ResponseValue",
    "From",
    "Option",
    "Result",
    "String",
];

/// The builders' private field holding a call's options (added by the `call-options`
/// rewrite; not a parameter, so readers of the builders skip it).
pub const CALL_OPTIONS_FIELD: &str = "call_options";

/// Rust names a parameter cannot take: the methods of every operation builder (`new`,
/// `send`, `body_map` beside a typed body, and `with_options`, which the `call-options`
/// rewrite adds), the `header_map` local of its `send`, which the parameter's value would be
/// shadowed by, and `call_options`, the builder field of those options. (`body` too, where
/// the operation has a request body.)
pub const BUILDER_PARAMETERS: &[&str] = &[
    "new",
    "send",
    "body_map",
    "header_map",
    "with_options",
    CALL_OPTIONS_FIELD,
];

/// Why the operation named `id` cannot keep its name, if it cannot: it becomes a `Client`
/// method in `methods` (see [`CLIENT_METHODS`]) or a builder struct in
/// [`BUILDER_MODULE_TYPES`].
pub fn reserved_operation(id: &str, methods: &[&str]) -> Option<String> {
    let method = sanitize_snake(id);
    if methods.contains(&method.as_str()) {
        return Some(format!(
            "its method `{method}` would collide with `Client::{method}`, which every generated client has"
        ));
    }
    let builder = sanitize_pascal(id);
    BUILDER_MODULE_TYPES
        .contains(&builder.as_str())
        .then(|| format!("its builder `builder::{builder}` would collide with the `{builder}` the generated builder code uses"))
}

/// The PascalCase identifier typify makes of an enum value.
pub fn sanitize_pascal(input: &str) -> String {
    sanitize(input, |s| s.to_pascal_case())
}

fn sanitize(input: &str, to_case: fn(&str) -> String) -> String {
    let out = match input {
        "+1" => "plus1".to_owned(),
        "-1" => "minus1".to_owned(),
        _ => to_case(
            &input
                .replace('\'', "")
                .replace(|c: char| !unicode_ident::is_xid_continue(c), "-"),
        ),
    };
    let out = match out.chars().next() {
        None => to_case("x"),
        Some(c) if unicode_ident::is_xid_start(c) => out,
        Some(_) => format!("_{out}"),
    };
    if typify::accept_as_ident(&out) {
        out
    } else {
        format!("{out}_")
    }
}

/// Values of a string enum that typify cannot give distinct variant names (it panics on
/// them): it tries the plain names, then names with `_` and punctuation spelled `X`.
pub fn clashing_enum_values(values: &[&str]) -> Vec<String> {
    let unique = |names: &[String]| {
        names
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len()
            == names.len()
    };
    let plain: Vec<String> = values.iter().map(|v| sanitize_pascal(v)).collect();
    if unique(&plain) {
        return Vec::new();
    }
    let spelled: Vec<String> = values
        .iter()
        .map(|v| {
            sanitize_pascal(&v.replace(
                |c: char| c == '_' || !unicode_ident::is_xid_continue(c),
                "X",
            ))
        })
        .collect();
    if unique(&spelled) {
        return Vec::new();
    }
    values
        .iter()
        .zip(&spelled)
        .filter(|(_, n)| spelled.iter().filter(|m| m == n).count() > 1)
        .map(|(v, _)| (*v).to_owned())
        .collect()
}

/// A stable, readable operation id from method and path, for specs that have none:
/// `GET /v1/kyc/customers/phone/{mobile}` → `get_kyc_customers_phone_by_mobile`.
/// Version segments (`v1`) and a leading `api` segment carry no meaning and are skipped.
pub fn derive_operation_id(method: &str, path: &str) -> String {
    let mut parts = vec![method.to_owned()];
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let is_version = segment.len() > 1
            && segment.starts_with('v')
            && segment[1..].chars().all(|c| c.is_ascii_digit());
        if is_version || (parts.len() == 1 && segment == "api") {
            continue;
        }
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => parts.push(format!("by_{}", param.to_snake_case())),
            None => parts.push(segment.to_snake_case()),
        }
    }
    if parts.len() == 1 {
        parts.push("root".to_owned());
    }
    parts.join("_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_ids_read_well() {
        assert_eq!(
            derive_operation_id("get", "/v1/kyc/customers/phone/{mobile}"),
            "get_kyc_customers_phone_by_mobile"
        );
        assert_eq!(
            derive_operation_id("post", "/generate-token"),
            "post_generate_token"
        );
        assert_eq!(
            derive_operation_id("patch", "/v1/kyc/customers/{customerId}/activate"),
            "patch_kyc_customers_by_customer_id_activate"
        );
        assert_eq!(derive_operation_id("get", "/"), "get_root");
        assert_eq!(derive_operation_id("get", "/api/v2/items"), "get_items");
    }

    #[test]
    fn sanitize_matches_progenitor_rules() {
        assert_eq!(
            sanitize_snake("getCustomerByPhone"),
            "get_customer_by_phone"
        );
        assert_eq!(sanitize_snake("type"), "type_");
        assert_eq!(sanitize_snake("1st"), "_1st");
        assert_eq!(sanitize_snake("list-items.v2"), "list_items_v2");
    }

    #[test]
    fn reserved_operation_names_say_why() {
        let methods = [CLIENT_METHODS, AUTH_CLIENT_METHODS].concat();
        assert!(
            reserved_operation("New", &methods).is_some_and(|why| why.contains("`Client::new`"))
        );
        assert!(reserved_operation("auth", CLIENT_METHODS).is_none());
        assert!(reserved_operation("auth", &methods).is_some());
        assert!(
            reserved_operation("result", CLIENT_METHODS)
                .is_some_and(|why| why.contains("`builder::Result`"))
        );
        assert!(reserved_operation("get_result", CLIENT_METHODS).is_none());
    }

    #[test]
    fn enum_clashes_follow_typify() {
        assert!(clashing_enum_values(&["open", "closed"]).is_empty());
        assert!(
            clashing_enum_values(&["A_B", "a_b"]).is_empty(),
            "rescued by spelling `_` as X"
        );
        assert_eq!(clashing_enum_values(&["a-b", "a_b", "c"]), ["a-b", "a_b"]);
    }
}
