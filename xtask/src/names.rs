//! Rust names for spec things: progenitor's identifier rules, and derived operation ids.

use heck::ToSnakeCase;

/// The snake_case identifier progenitor makes of `input` (its `sanitize`, reproduced so that
/// names we emit, such as the unauthenticated-operation list, match `OperationInfo`).
pub fn sanitize_snake(input: &str) -> String {
    let out = match input {
        "+1" => "plus1".to_owned(),
        "-1" => "minus1".to_owned(),
        _ => input
            .replace('\'', "")
            .replace(|c: char| !unicode_ident::is_xid_continue(c), "-")
            .to_snake_case(),
    };
    let out = match out.chars().next() {
        None => "x".to_owned(),
        Some(c) if unicode_ident::is_xid_start(c) => out,
        Some(_) => format!("_{out}"),
    };
    if typify::accept_as_ident(&out) {
        out
    } else {
        format!("{out}_")
    }
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
}
