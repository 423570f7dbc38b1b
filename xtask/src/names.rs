//! Rust names for spec things: progenitor's identifier rules, and derived operation ids.

use heck::{ToPascalCase, ToSnakeCase};

/// The snake_case identifier progenitor makes of `input` (its `sanitize`, reproduced so that
/// names we emit, such as the unauthenticated-operation list, match `OperationInfo`).
pub fn sanitize_snake(input: &str) -> String {
    sanitize(input, |s| s.to_snake_case())
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
    fn enum_clashes_follow_typify() {
        assert!(clashing_enum_values(&["open", "closed"]).is_empty());
        assert!(
            clashing_enum_values(&["A_B", "a_b"]).is_empty(),
            "rescued by spelling `_` as X"
        );
        assert_eq!(clashing_enum_values(&["a-b", "a_b", "c"]), ["a-b", "a_b"]);
    }
}
