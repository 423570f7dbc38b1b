//! Customers: the id under either key, and the phone lookup that answers `200 null`.

use serde_json::Value;

use super::baas;
use crate::Error;

/// The customer id of a response that carries it as `customerId` or as `id` ("both appear in
/// the wild"): `customerId` wins, `id` is the fallback.
pub trait CustomerIdExt {
    /// The customer id, if the response carries one under either key.
    fn customer_id_any(&self) -> Option<&str>;
}

fn pick_customer_id<'a>(customer_id: Option<&'a str>, id: Option<&'a str>) -> Option<&'a str> {
    customer_id
        .filter(|v| !v.is_empty())
        .or(id.filter(|v| !v.is_empty()))
}

/// Implements [`CustomerIdExt`] for generated types with `customer_id` and `id` fields.
macro_rules! customer_id_ext {
    ($($ty:ty),+) => {$(
        impl CustomerIdExt for $ty {
            fn customer_id_any(&self) -> Option<&str> {
                pick_customer_id(self.customer_id.as_deref(), self.id.as_deref())
            }
        }
    )+};
}

customer_id_ext!(
    baas::types::Customer,
    baas::types::UpsertCustomerResponse,
    baas::types::ActivateCustomerResponse
);

/// For untyped responses (e.g. `list_customers` items): reads `customerId`, then `id`, when
/// they are strings.
impl CustomerIdExt for Value {
    fn customer_id_any(&self) -> Option<&str> {
        pick_customer_id(
            self.get("customerId").and_then(Value::as_str),
            self.get("id").and_then(Value::as_str),
        )
    }
}

/// Looks a customer up by phone (E.164, e.g. `+255700000000`): `Ok(None)` when nobody has
/// that number.
///
/// The live API answers `200` with a `null` body when nothing matches, while the spec
/// documents a 404; both mean "no such customer" here. Dedupe by this lookup before
/// `upsert_customer`.
///
/// # Errors
/// Any other failure.
pub async fn find_customer_by_phone(
    client: &baas::Client,
    mobile: &str,
) -> Result<Option<baas::types::Customer>, Error> {
    match client.get_customer_by_phone().mobile(mobile).send().await {
        Ok(found) => Ok(found.into_inner()),
        Err(error) => {
            let error = Error::from(error);
            if error.status() == Some(reqwest::StatusCode::NOT_FOUND) {
                Ok(None)
            } else {
                Err(error)
            }
        }
    }
}
