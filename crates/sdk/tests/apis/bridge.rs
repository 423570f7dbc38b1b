//! Bridge: every example payload decodes into its generated type (one table row per
//! operation), the error helper reads every known error body, and the two-service clients,
//! 401 replay and collection polling work against real HTTP servers on loopback (wiremock on
//! 127.0.0.1; nothing else is ever contacted).
//!
//! Run the undocumented operations' rows too with `--features bridge-undocumented`.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::support::fixture;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use sdk::bridge::{
    ApiErrorExt, BridgeCredentials, Clients, CollectionState, CustomerIdExt, DEFAULT_FSP_ID,
    PollError, PollOptions, baas, collections, find_customer_by_phone, poll_collection,
    poll_collection_with,
};
use sdk::{AuthOptions, ErrorBody, ErrorKind};
use sdk_testkit::workspace_root;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

// ---------------------------------------------------------------------------------------------
// The operation table
// ---------------------------------------------------------------------------------------------

/// Which generated module (and so which `ApiError` type and server) an operation belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Module {
    Baas,
    Collections,
    #[cfg(feature = "bridge-undocumented")]
    Undocumented,
}

impl Module {
    fn all() -> &'static [Module] {
        &[
            Module::Baas,
            Module::Collections,
            #[cfg(feature = "bridge-undocumented")]
            Module::Undocumented,
        ]
    }

    fn source_file(self) -> &'static str {
        match self {
            Module::Baas => "baas.rs",
            Module::Collections => "collections.rs",
            #[cfg(feature = "bridge-undocumented")]
            Module::Undocumented => "undocumented.rs",
        }
    }

    /// Decodes an error body with this module's `ApiError` and converts it like a real
    /// `ErrorResponse` would be.
    fn error(self, body: Value, status: u16) -> Result<sdk::Error, String> {
        match self {
            Module::Baas => api_error::<baas::types::ApiError>(body, status),
            Module::Collections => api_error::<collections::types::ApiError>(body, status),
            #[cfg(feature = "bridge-undocumented")]
            Module::Undocumented => {
                api_error::<sdk::bridge::undocumented::types::ApiError>(body, status)
            }
        }
    }
}

fn api_error<E: DeserializeOwned + ErrorBody>(
    body: Value,
    status: u16,
) -> Result<sdk::Error, String> {
    let parsed: E = serde_json::from_value(body).map_err(|e| e.to_string())?;
    let status = StatusCode::from_u16(status).map_err(|e| e.to_string())?;
    let error =
        baas::Error::ErrorResponse(baas::ResponseValue::new(parsed, status, HeaderMap::new()));
    Ok(sdk::Error::from(error))
}

/// A generated type, by name, with a decoder from JSON.
#[derive(Clone, Copy)]
struct Decoder {
    type_name: &'static str,
    decode: fn(Value) -> Result<(), String>,
}

fn decoder<T: DeserializeOwned>() -> Decoder {
    Decoder {
        type_name: std::any::type_name::<T>(),
        decode: |value| {
            serde_json::from_value::<T>(value)
                .map(drop)
                .map_err(|e| e.to_string())
        },
    }
}

/// Request type of operations that take no body: any request example fails to decode.
#[derive(Deserialize)]
struct NoBody;

/// One operation: its module, success type, request type and, for operations whose success
/// type is untyped JSON, why.
struct Op {
    id: &'static str,
    module: Module,
    success: Decoder,
    request: Decoder,
    untyped_because: Option<&'static str>,
}

fn op<Success: DeserializeOwned, Request: DeserializeOwned>(
    id: &'static str,
    module: Module,
    untyped_because: Option<&'static str>,
) -> Op {
    Op {
        id,
        module,
        success: decoder::<Success>(),
        request: decoder::<Request>(),
        untyped_because,
    }
}

const NO_SCHEMA: Option<&str> =
    Some("the vendor documents no response schema and gives no example (bridge.md §3, §4)");
const UNDOCUMENTED: Option<&str> =
    Some("undocumented operation: success response unknown (bridge.md §4, §13)");

/// Every operation of the generated crate: 30 BaaS, 3 Collections and 3 undocumented loan
/// operations (`generate_token` is left out of the clients: the auth layer calls it).
fn operations() -> Vec<Op> {
    use Module::{Baas, Collections};
    use baas::types as b;
    use collections::types as c;
    #[allow(unused_mut)]
    let mut ops = vec![
        op::<b::UpsertCustomerResponse, b::UpsertCustomerRequest>("upsert_customer", Baas, None),
        op::<Value, NoBody>(
            "list_customers",
            Baas,
            Some(
                "response shape undocumented: \"documented from the API surface; not exercised\" (bridge.md §4 #3, §13)",
            ),
        ),
        op::<b::Customer, NoBody>("get_customer", Baas, None),
        op::<Option<b::Customer>, NoBody>("get_customer_by_phone", Baas, None),
        op::<Value, b::SubmitKycRequest>("submit_kyc", Baas, NO_SCHEMA),
        op::<b::ActivateCustomerResponse, b::ActivateCustomerRequest>(
            "activate_customer",
            Baas,
            None,
        ),
        op::<Vec<b::LoanProduct>, NoBody>("list_loan_products", Baas, None),
        op::<b::LoanProduct, NoBody>("get_loan_product", Baas, None),
        op::<b::CreateLoanResponse, b::CreateLoanRequest>("create_loan", Baas, None),
        op::<b::RepaymentSchedule, b::CreateLoanRequest>("calculate_schedule", Baas, None),
        op::<b::FineractLoan, NoBody>("get_loan", Baas, None),
        op::<b::LoanActionResponse, b::ApproveLoanRequest>("approve_loan", Baas, None),
        op::<b::LoanActionResponse, b::DisburseLoanRequest>("disburse_loan", Baas, None),
        op::<Value, b::DisburseToSavingsRequest>("disburse_loan_to_savings", Baas, NO_SCHEMA),
        op::<b::RepaymentSchedule, NoBody>("get_loan_schedule", Baas, None),
        op::<b::RepaymentResponse, b::RepaymentRequest>("record_repayment", Baas, None),
        op::<Value, b::SubmitPaymentRequest>("submit_loan_payment", Baas, NO_SCHEMA),
        op::<b::PayLinkResponse, NoBody>("get_loan_pay_link", Baas, None),
        op::<Vec<b::PaymentType>, NoBody>("list_payment_types", Baas, None),
        op::<Vec<b::WalletProduct>, NoBody>("list_wallet_products", Baas, None),
        op::<b::Wallet, b::OpenWalletRequest>("open_wallet", Baas, None),
        op::<Vec<b::Wallet>, NoBody>("list_wallets", Baas, None),
        op::<b::Wallet, NoBody>("get_wallet", Baas, None),
        op::<Value, NoBody>("approve_wallet", Baas, NO_SCHEMA),
        op::<Value, NoBody>("activate_wallet", Baas, NO_SCHEMA),
        op::<b::WalletTransactionList, NoBody>("list_wallet_transactions", Baas, None),
        op::<Value, b::SubmitDepositRequest>("submit_wallet_deposit", Baas, NO_SCHEMA),
        op::<b::ReserveResponse, b::ReserveRequest>("reserve_funds", Baas, None),
        op::<Value, b::CommitHoldRequest>("commit_hold", Baas, NO_SCHEMA),
        op::<Value, b::ReleaseHoldRequest>("release_hold", Baas, NO_SCHEMA),
        op::<c::MobileCollectionResponse, c::MobileCollectionRequest>(
            "trigger_mobile_collection",
            Collections,
            None,
        ),
        op::<c::CollectionStatus, NoBody>("get_collection_status", Collections, None),
        op::<c::CollectionTransactionPage, NoBody>(
            "list_collection_transactions",
            Collections,
            None,
        ),
    ];
    #[cfg(feature = "bridge-undocumented")]
    {
        use Module::Undocumented;
        use sdk::bridge::undocumented::types as u;
        ops.extend([
            op::<Value, u::UndoLoanActionRequest>(
                "undo_loan_disbursement",
                Undocumented,
                UNDOCUMENTED,
            ),
            op::<Value, u::UndoLoanActionRequest>("undo_loan_approval", Undocumented, UNDOCUMENTED),
            op::<Value, u::WithdrawLoanRequest>("withdraw_loan", Undocumented, UNDOCUMENTED),
        ]);
    }
    ops
}

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Fixture {
    operation_id: String,
    undocumented: bool,
    request: Value,
    responses: Vec<Example>,
}

#[derive(Deserialize)]
struct Example {
    status: u16,
    source: String,
    body: Value,
}

fn load(id: &str) -> Fixture {
    let file = fixture(&format!("bridge/{id}.json"));
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

fn fixture_ids() -> BTreeSet<String> {
    std::fs::read_dir(fixture("bridge"))
        .expect("tests/fixtures/bridge")
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".json").map(str::to_owned)
        })
        .collect()
}

/// Operation ids of a generated module, read from its `OperationInfo` literals.
fn generated_ids(module: Module) -> BTreeSet<String> {
    let file = workspace_root()
        .join("generated/bridge/src")
        .join(module.source_file());
    let source = std::fs::read_to_string(&file).expect("generated source");
    source
        .split("operation_id: \"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

/// What the error helper must make of the error examples: `(operation or any, status, code,
/// message)`. Every row must be used, every error example must match a row.
const ERROR_CASES: &[(Option<&str>, u16, Option<&str>, &str)] = &[
    (None, 401, Some("UNAUTHORIZED"), "Token expired or invalid"),
    (None, 404, Some("NOT_FOUND"), "Resource not found"),
    (
        Some("create_loan"),
        500,
        Some("22P02"),
        "invalid input syntax for type uuid: \"provisioned\"",
    ),
    (Some("create_loan"), 500, None, "Failed to create loan"),
];

// ---------------------------------------------------------------------------------------------
// Table tests
// ---------------------------------------------------------------------------------------------

#[test]
fn table_covers_every_generated_operation_and_fixture() {
    let ops = operations();
    for &module in Module::all() {
        let table: BTreeSet<String> = ops
            .iter()
            .filter(|op| op.module == module)
            .map(|op| op.id.to_owned())
            .collect();
        assert_eq!(
            table,
            generated_ids(module),
            "{module:?}: table vs generated client"
        );
    }
    let table: BTreeSet<String> = ops.iter().map(|op| op.id.to_owned()).collect();
    // `generate_token` is left out of the clients (`omit` in specs/bridge/codegen.toml): the
    // auth layer calls it, with each service's key pair.
    let fixtures: BTreeSet<String> = fixture_ids()
        .into_iter()
        .filter(|id| id != "generate_token")
        .filter(|id| cfg!(feature = "bridge-undocumented") || !load(id).undocumented)
        .collect();
    assert_eq!(table, fixtures, "table vs tests/fixtures/bridge");
    let vendor = ops.iter().filter(|op| op.untyped_because != UNDOCUMENTED);
    // The vendor's 34 operations but generate_token, which the auth layer calls.
    assert_eq!(vendor.count(), 33);
}

#[test]
fn every_example_decodes_into_its_generated_type() {
    let mut failures = Vec::new();
    let mut used_error_cases = BTreeSet::new();
    let mut decoded = 0;
    for op in operations() {
        let fixture = load(op.id);
        assert_eq!(fixture.operation_id, op.id);
        assert_eq!(
            fixture.undocumented,
            op.untyped_because == UNDOCUMENTED,
            "{}",
            op.id
        );
        // `null`: the vendor gives no request example (or the operation takes no body).
        if let Err(e) = (op.request.decode)(fixture.request.clone()).or_else(|e| {
            if fixture.request.is_null() {
                Ok(())
            } else {
                Err(e)
            }
        }) {
            failures.push(format!(
                "{} request as {}: {e}",
                op.id, op.request.type_name
            ));
        }
        for example in fixture.responses {
            decoded += 1;
            let context = format!("{} {} ({})", op.id, example.status, example.source);
            if (200..300).contains(&example.status) {
                if let Err(e) = (op.success.decode)(example.body) {
                    failures.push(format!("{context} as {}: {e}", op.success.type_name));
                }
                continue;
            }
            let error = match op.module.error(example.body, example.status) {
                Ok(error) => error,
                Err(e) => {
                    failures.push(format!("{context} as ApiError: {e}"));
                    continue;
                }
            };
            let found = ERROR_CASES
                .iter()
                .position(|&(case_op, status, code, message)| {
                    case_op.is_none_or(|id| id == op.id)
                        && status == example.status
                        && error.code() == code
                        && error.message() == message
                });
            match found {
                Some(index) => {
                    used_error_cases.insert(index);
                    let status = StatusCode::from_u16(example.status).unwrap();
                    assert_eq!(error.status(), Some(status));
                    let kind = match example.status {
                        401 => ErrorKind::Auth,
                        429 => ErrorKind::RateLimited,
                        408 | 500..=599 => ErrorKind::Unavailable,
                        _ => ErrorKind::Rejected,
                    };
                    assert_eq!(error.kind(), kind, "{context}");
                }
                None => failures.push(format!("{context}: unexpected helper result {error:?}")),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(
        used_error_cases.len(),
        ERROR_CASES.len(),
        "unused ERROR_CASES rows"
    );
    println!("{decoded} example responses decoded");
}

#[test]
fn typed_operation_count() {
    let ops = operations();
    let is_untyped = |op: &Op| {
        let name = op.success.type_name;
        name == std::any::type_name::<Value>() || name == "()"
    };
    let mut untyped = BTreeMap::new();
    for op in &ops {
        assert_eq!(
            is_untyped(op),
            op.untyped_because.is_some(),
            "{}: success type {} vs stated reason",
            op.id,
            op.success.type_name
        );
        if let Some(reason) = op.untyped_because {
            untyped.insert(op.id, reason);
        }
    }
    let typed = ops.iter().filter(|op| !is_untyped(op)).count();
    println!(
        "typed success responses: {typed} of {} generated operations",
        ops.len()
    );
    for (id, reason) in &untyped {
        println!("  untyped {id}: {reason}");
    }
    // 21 BaaS + 3 Collections vendor operations (generate_token is the auth layer's).
    assert_eq!(typed, 24);
}

#[test]
fn phone_lookup_null_is_none() {
    let customer: Option<baas::types::Customer> = serde_json::from_value(Value::Null).unwrap();
    assert!(customer.is_none());
}

#[test]
fn customer_id_from_customer_id_or_id() {
    fn read<T: DeserializeOwned + CustomerIdExt>(body: &Value) -> Option<String> {
        let value: T = serde_json::from_value(body.clone()).expect("decodes");
        value.customer_id_any().map(str::to_owned)
    }
    type Reader = fn(&Value) -> Option<String>;
    let readers: [(&str, Reader); 4] = [
        ("Customer", read::<baas::types::Customer>),
        (
            "UpsertCustomerResponse",
            read::<baas::types::UpsertCustomerResponse>,
        ),
        (
            "ActivateCustomerResponse",
            read::<baas::types::ActivateCustomerResponse>,
        ),
        ("Value", read::<Value>),
    ];
    let cases = [
        (
            json!({"customerId": "c-1", "legalName": "Jane"}),
            Some("c-1"),
        ),
        (json!({"id": "c-2", "legalName": "Jane"}), Some("c-2")),
        (json!({"customerId": "c-1", "id": "c-2"}), Some("c-1")),
        (json!({"customerId": "", "id": "c-2"}), Some("c-2")),
        (json!({"legalName": "Jane"}), None),
    ];
    for (name, reader) in readers {
        for (body, expected) in &cases {
            assert_eq!(reader(body).as_deref(), *expected, "{name} {body}");
        }
    }
}

#[test]
fn error_accessors_pick_the_right_field() {
    let cases = [
        (
            json!({"error": {"code": "BAD_REQUEST", "message": "m", "details": {"f": 1}}, "code": "X"}),
            Some("BAD_REQUEST"),
            Some("m"),
            Some(json!({"f": 1})),
        ),
        (
            json!({"statusCode": 400, "message": ["a must be set", "b too long"], "error": "Bad Request"}),
            None,
            Some("a must be set; b too long"),
            None,
        ),
        (
            json!({"error": "Bad Gateway"}),
            None,
            Some("Bad Gateway"),
            None,
        ),
        (json!({"error": "[object Object]"}), None, None, None),
        (
            json!({"code": "22P02", "details": {"x": true}}),
            Some("22P02"),
            None,
            Some(json!({"x": true})),
        ),
    ];
    for (body, code, message, details) in cases {
        let error: baas::types::ApiError = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(ApiErrorExt::code(&error), code, "{body}");
        assert_eq!(ApiErrorExt::message(&error).as_deref(), message, "{body}");
        assert_eq!(ApiErrorExt::details(&error), details.as_ref(), "{body}");
    }
    let error = api_error::<collections::types::ApiError>(json!({"error": "[object Object]"}), 502)
        .unwrap();
    assert_eq!(error.message(), "Bad Gateway");
    assert!(error.is_retryable());
}

#[test]
fn collection_states() {
    let cases = [
        (Some("PENDING"), CollectionState::Pending),
        (Some("processing"), CollectionState::Processing),
        (Some("COMPLETED"), CollectionState::Completed),
        (Some("FAILED"), CollectionState::Failed("FAILED".into())),
        (Some("EXPIRED"), CollectionState::Failed("EXPIRED".into())),
        (None, CollectionState::Unknown),
    ];
    for (raw, expected) in cases {
        let state = CollectionState::from_status(raw);
        assert_eq!(
            state.is_terminal(),
            matches!(
                expected,
                CollectionState::Completed | CollectionState::Failed(_)
            )
        );
        assert_eq!(state, expected);
    }
}

// ---------------------------------------------------------------------------------------------
// Loopback HTTP
// ---------------------------------------------------------------------------------------------

const BAAS_KEY: (&str, &str) = ("00000000-0000-4000-8000-00000000baa5", "baas-secret");
const GATEWAY_KEY: (&str, &str) = ("00000000-0000-4000-8000-0000000000a7", "gateway-secret");

/// Two loopback servers (BaaS, gateway) and the clients pointed at them.
struct Harness {
    baas: MockServer,
    gateway: MockServer,
    clients: Clients,
}

/// Mounts `/api/generate-token` answering `tokens` in order (the last one from then on), only
/// for the exact `{keyId, secret}` body of `key`.
async fn mount_mint(server: &MockServer, key: (&str, &str), tokens: &[&str]) {
    for (index, token) in tokens.iter().enumerate() {
        let mut mock = Mock::given(method("POST"))
            .and(path("/api/generate-token"))
            .and(body_json(json!({"keyId": key.0, "secret": key.1})))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "token": token,
                "expiresAt": null,
                "businessId": "2c0219b4-8c70-418d-9e9a-449e7b7643eb",
                "environment": "sandbox",
                "scopes": ["wallet:*"],
            })))
            .with_priority(u8::try_from(index + 1).unwrap());
        if index + 1 < tokens.len() {
            mock = mock.up_to_n_times(1);
        }
        mock.mount(server).await;
    }
}

/// Starts both servers with one mint each (or the given token sequences) and builds the
/// clients from an injected environment.
async fn harness(baas_tokens: &[&str], gateway_tokens: &[&str]) -> Harness {
    let (baas, gateway) = (MockServer::start().await, MockServer::start().await);
    assert!(baas.address().ip().is_loopback() && gateway.address().ip().is_loopback());
    mount_mint(&baas, BAAS_KEY, baas_tokens).await;
    mount_mint(&gateway, GATEWAY_KEY, gateway_tokens).await;
    let env = BTreeMap::from([
        ("BRIDGE_BAAS_URL", format!("{}/api", baas.uri())),
        ("BRIDGE_BAAS_KEY_ID", BAAS_KEY.0.to_owned()),
        ("BRIDGE_BAAS_SECRET", BAAS_KEY.1.to_owned()),
        ("BRIDGE_COLLECTIONS_URL", format!("{}/api/", gateway.uri())),
        ("BRIDGE_COLLECTIONS_KEY_ID", GATEWAY_KEY.0.to_owned()),
        ("BRIDGE_COLLECTIONS_SECRET", GATEWAY_KEY.1.to_owned()),
    ]);
    let clients = Clients::from_env_with(|name| env.get(name).cloned(), AuthOptions::default())
        .expect("clients");
    Harness {
        baas,
        gateway,
        clients,
    }
}

fn example_body(id: &str, status: u16) -> Value {
    load(id)
        .responses
        .into_iter()
        .find(|example| example.status == status)
        .unwrap_or_else(|| panic!("{id} has no {status} example"))
        .body
}

async fn requests_to(server: &MockServer, path_prefix: &str) -> Vec<wiremock::Request> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|request| request.url.path().starts_with(path_prefix))
        .collect()
}

fn bearer(request: &wiremock::Request) -> Option<String> {
    let value = request.headers.get("authorization")?;
    Some(value.to_str().ok()?.to_owned())
}

#[tokio::test]
async fn each_service_gets_its_own_url_key_and_token() {
    let h = harness(&["baas-token"], &["gateway-token"]).await;
    Mock::given(method("GET"))
        .and(path("/api/v1/lms/products"))
        .and(header("authorization", "Bearer baas-token"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(example_body("list_loan_products", 200)),
        )
        .expect(2)
        .mount(&h.baas)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/collection/status"))
        .and(query_param("transactionId", "ORDER_12345"))
        .and(query_param("fspId", DEFAULT_FSP_ID))
        .and(header("authorization", "Bearer gateway-token"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(example_body("get_collection_status", 200)),
        )
        .expect(1)
        .mount(&h.gateway)
        .await;

    for _ in 0..2 {
        let products = h
            .clients
            .baas
            .list_loan_products()
            .send()
            .await
            .expect("products");
        assert_eq!(
            products[0].product_code.as_deref(),
            Some("PERSONAL_LOAN_001")
        );
    }
    let status = h
        .clients
        .collections
        .get_collection_status()
        .transaction_id("ORDER_12345")
        .fsp_id(DEFAULT_FSP_ID)
        .send()
        .await
        .expect("status");
    assert_eq!(status.status.as_deref(), Some("COMPLETED"));

    for (server, other_prefix, token) in [
        (&h.baas, "/api/collection", "Bearer baas-token"),
        (&h.gateway, "/api/v1", "Bearer gateway-token"),
    ] {
        assert!(requests_to(server, other_prefix).await.is_empty());
        let mints = requests_to(server, "/api/generate-token").await;
        assert_eq!(mints.len(), 1, "one mint per service, then cached");
        assert_eq!(bearer(&mints[0]), None, "the mint carries no bearer");
        for call in requests_to(server, "/api/")
            .await
            .iter()
            .filter(|r| r.url.path() != "/api/generate-token")
        {
            assert_eq!(bearer(call).as_deref(), Some(token));
        }
    }
}

#[tokio::test]
async fn a_401_re_mints_once_and_replays_once() {
    let h = harness(&["stale", "fresh"], &["gateway-token"]).await;
    for (token, response) in [
        (
            "Bearer stale",
            ResponseTemplate::new(401).set_body_json(example_body("upsert_customer", 401)),
        ),
        (
            "Bearer fresh",
            ResponseTemplate::new(200).set_body_json(example_body("get_loan_pay_link", 200)),
        ),
    ] {
        Mock::given(method("GET"))
            .and(path("/api/v1/lms/loans/loan-1/pay-link"))
            .and(header("authorization", token))
            .respond_with(response)
            .expect(1)
            .mount(&h.baas)
            .await;
    }
    let link = h
        .clients
        .baas
        .get_loan_pay_link()
        .loan_id("loan-1")
        .send()
        .await
        .expect("replayed");
    assert!(
        link.pay_link
            .as_deref()
            .is_some_and(|l| l.starts_with("https://reli.finance/pay/"))
    );
    assert_eq!(requests_to(&h.baas, "/api/generate-token").await.len(), 2);
    assert_eq!(requests_to(&h.baas, "/api/v1").await.len(), 2);
    assert!(
        requests_to(&h.gateway, "/").await.is_empty(),
        "the gateway is not involved"
    );
}

#[tokio::test]
async fn a_second_401_is_a_typed_error() {
    let h = harness(&["stale", "still-bad"], &["gateway-token"]).await;
    Mock::given(method("GET"))
        .and(path(
            "/api/v1/wms/wallets/00000000-0000-4000-8000-000000000001",
        ))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(example_body("upsert_customer", 401)),
        )
        .expect(2)
        .mount(&h.baas)
        .await;
    let error = h
        .clients
        .baas
        .get_wallet()
        .wallet_id("00000000-0000-4000-8000-000000000001")
        .send()
        .await
        .map_err(sdk::Error::from)
        .expect_err("401 twice");
    assert_eq!(
        (error.kind(), error.status()),
        (ErrorKind::Auth, Some(StatusCode::UNAUTHORIZED))
    );
    assert_eq!(
        error.auth_error(),
        Some(&sdk::AuthError::RejectedAfterReplay)
    );
    assert_eq!(error.code(), Some("UNAUTHORIZED"));
}

#[tokio::test]
async fn observed_error_body_over_http() {
    let h = harness(&["baas-token"], &["gateway-token"]).await;
    let body = load("create_loan")
        .responses
        .into_iter()
        .find(|example| example.body.get("statusCode").is_some())
        .expect("observed NestJS body")
        .body;
    Mock::given(method("POST"))
        .and(path("/api/v1/lms/loans"))
        .respond_with(ResponseTemplate::new(500).set_body_json(body))
        .mount(&h.baas)
        .await;
    let request: baas::types::CreateLoanRequest =
        serde_json::from_value(load("create_loan").request).expect("request example");
    let error = sdk::Error::from(
        h.clients
            .baas
            .create_loan()
            .body(request)
            .send()
            .await
            .expect_err("500"),
    );
    assert_eq!(error.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    assert_eq!(error.kind(), ErrorKind::Unavailable);
    assert_eq!(error.code(), Some("22P02"));
    assert!(error.message().starts_with("invalid input syntax"));
    assert!(error.is_retryable());
    assert!(error.to_string().contains("(HTTP 500, 22P02)"), "{error}");
}

#[tokio::test]
async fn phone_lookup_null_or_404_is_none() {
    let h = harness(&["baas-token"], &["gateway-token"]).await;
    let customer = example_body("get_customer", 200);
    let cases = [
        (
            "+255700000001",
            ResponseTemplate::new(200).set_body_json(Value::Null),
            None,
        ),
        (
            "+255700000002",
            ResponseTemplate::new(404).set_body_json(example_body("get_customer_by_phone", 404)),
            None,
        ),
        (
            "+255700000003",
            ResponseTemplate::new(200).set_body_json(customer.clone()),
            customer["customerId"].as_str(),
        ),
    ];
    for (mobile, response, _) in &cases {
        Mock::given(method("GET"))
            // `+` percent-encoded, as RFC 6570 (OpenAPI's `simple` style) says.
            .and(path(format!(
                "/api/v1/kyc/customers/phone/{}",
                mobile.replace('+', "%2B")
            )))
            .respond_with(response.clone())
            .mount(&h.baas)
            .await;
    }
    for (mobile, _, expected) in cases {
        let found = find_customer_by_phone(&h.clients.baas, mobile)
            .await
            .expect(mobile);
        assert_eq!(
            found.as_ref().and_then(|c| c.customer_id_any()),
            expected,
            "{mobile}"
        );
    }
}

/// Mounts `/api/collection/status` for `ORDER_1`: each of `statuses` once, in order, then the
/// last one for ever.
/// Bridge answers some successes with no body at all (bridge.md §3); the generated hooks read
/// that as JSON `null`, so untyped operations succeed instead of failing to decode.
#[tokio::test]
async fn an_empty_success_body_reads_as_null() {
    let h = harness(&["baas-token"], &["gateway-token"]).await;
    Mock::given(method("POST"))
        .and(path(
            "/api/v1/wms/wallets/00000000-0000-4000-8000-000000000001/approve",
        ))
        .respond_with(ResponseTemplate::new(200))
        .mount(&h.baas)
        .await;
    Mock::given(method("POST"))
        .and(path(
            "/api/v1/wms/wallets/00000000-0000-4000-8000-000000000002/approve",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "APPROVED"})))
        .mount(&h.baas)
        .await;
    let empty = h
        .clients
        .baas
        .approve_wallet()
        .wallet_id("00000000-0000-4000-8000-000000000001")
        .send()
        .await
        .expect("empty 200");
    assert_eq!(empty.into_inner(), Value::Null);
    let full = h
        .clients
        .baas
        .approve_wallet()
        .wallet_id("00000000-0000-4000-8000-000000000002")
        .send()
        .await
        .expect("JSON 200");
    assert_eq!(full.into_inner(), json!({"status": "APPROVED"}));
}

async fn mount_statuses(gateway: &MockServer, statuses: &[&str]) {
    let mut body = example_body("get_collection_status", 200);
    body["transactionId"] = json!("ORDER_1");
    for (index, status) in statuses.iter().enumerate() {
        body["status"] = json!(status);
        let mut mock = Mock::given(method("GET"))
            .and(path("/api/collection/status"))
            .and(query_param("transactionId", "ORDER_1"))
            .and(query_param("fspId", DEFAULT_FSP_ID))
            .and(header("authorization", "Bearer gateway-token"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body.clone()))
            .with_priority(u8::try_from(index + 1).unwrap());
        if index + 1 < statuses.len() {
            mock = mock.up_to_n_times(1);
        }
        mock.mount(gateway).await;
    }
}

#[tokio::test]
async fn poll_reaches_completed_after_processing() {
    let h = harness(&["baas-token"], &["gateway-token"]).await;
    mount_statuses(
        &h.gateway,
        &["PENDING", "PROCESSING", "PROCESSING", "COMPLETED"],
    )
    .await;
    let done = poll_collection(
        &h.clients.collections,
        "ORDER_1",
        DEFAULT_FSP_ID,
        Duration::from_secs(10),
        Duration::from_millis(5),
    )
    .await
    .expect("completed");
    assert_eq!(done.status.as_deref(), Some("COMPLETED"));
    assert_eq!(
        requests_to(&h.gateway, "/api/collection/status")
            .await
            .len(),
        4
    );
    assert!(requests_to(&h.baas, "/").await.is_empty());
}

#[tokio::test]
async fn poll_times_out_with_a_typed_error_after_backing_off() {
    let h = harness(&["baas-token"], &["gateway-token"]).await;
    mount_statuses(&h.gateway, &["PROCESSING"]).await;
    let clock = sdk_auth::ManualClock::new();
    let options =
        PollOptions::new(Duration::from_secs(60), Duration::from_secs(1)).clock(clock.clone());
    let error = poll_collection_with(&h.clients.collections, "ORDER_1", DEFAULT_FSP_ID, &options)
        .await
        .expect_err("never completes");
    match error {
        PollError::TimedOut {
            waited,
            last_status,
            last_error,
        } => {
            assert_eq!(waited, Duration::from_secs(60));
            assert_eq!(last_status.as_deref(), Some("PROCESSING"));
            assert!(last_error.is_none());
        }
        other => panic!("expected TimedOut, got {other:?}"),
    }
    // Polls at t = 0, 1, 3, 7, 15, 31 and 60 s: waits of 1, 2, 4, 8, 16, then the 29 s left.
    assert_eq!(
        requests_to(&h.gateway, "/api/collection/status")
            .await
            .len(),
        7
    );
    assert_eq!(clock.elapsed(), Duration::from_secs(60));
}

#[tokio::test]
async fn poll_surfaces_an_undocumented_terminal_status() {
    let h = harness(&["baas-token"], &["gateway-token"]).await;
    mount_statuses(&h.gateway, &["PROCESSING", "FAILED"]).await;
    let options = PollOptions::new(Duration::from_secs(60), Duration::from_secs(1))
        .clock(sdk_auth::ManualClock::new());
    match poll_collection_with(&h.clients.collections, "ORDER_1", DEFAULT_FSP_ID, &options).await {
        Err(PollError::Failed { status, collection }) => {
            assert_eq!(status, "FAILED");
            assert_eq!(collection.transaction_id.as_deref(), Some("ORDER_1"));
        }
        other => panic!("expected Failed, got {other:?}"),
    }
}

#[test]
fn configuration_errors_are_typed_and_send_nothing() {
    let key = |(id, secret): (&str, &str)| BridgeCredentials::new(id, secret.to_owned().into());
    let plain_http = Clients::builder(key(BAAS_KEY), key(GATEWAY_KEY))
        .collections_url("http://gateway.example/api")
        .build()
        .expect_err("plain http to a non-loopback host");
    assert!(
        plain_http.kind() == sdk::ErrorKind::Config
            && matches!(plain_http.auth_error(), Some(sdk::AuthError::Config(_))),
        "{plain_http:?}"
    );
    let env = BTreeMap::from([
        ("BRIDGE_BAAS_KEY_ID", BAAS_KEY.0),
        ("BRIDGE_BAAS_SECRET", BAAS_KEY.1),
        ("BRIDGE_COLLECTIONS_KEY_ID", GATEWAY_KEY.0),
    ]);
    let missing = Clients::from_env_with(
        |name| env.get(name).map(|v| (*v).to_owned()),
        AuthOptions::default(),
    )
    .expect_err("gateway secret missing");
    assert_eq!(
        missing.to_string(),
        "configuration error: environment variable BRIDGE_COLLECTIONS_SECRET is not set"
    );
}
