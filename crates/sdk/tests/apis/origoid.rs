//! OrigoID: every documented example of `specs/origoid/openapi.yaml` against the generated
//! types, envelope → `Result` classification, and the ready client on loopback.

use std::time::Duration;

use sdk::origoid::{self, Client, Envelope, EnvelopeError, ErrorClass, ResultType, types};
use sdk_auth::{AuthOptions, OrigoIdConfig};
use sdk_testkit::spec_examples::{self, Row, Spec};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// One row per operation: `operationId: request body type`. The response types come from the
/// generated `send()` signature (see [`Row::with_body`]).
macro_rules! rows {
    ($($op:ident: $body:ident,)+) => {
        vec![$(
            Row::with_body(stringify!($op), |client: Client, body: types::$body| async move {
                client.$op().body(body).send().await
            }),
        )+]
    };
}

fn table() -> Vec<Row> {
    let mut rows = vec![Row::omitted("create_token")];
    rows.extend(rows! {
        validate_curp: CurpValidationRequest,
        lookup_curp: CurpLookupRequest,
        extract_curp_document: CurpDocumentRequest,
        lookup_imss_nss: ImssNssLookupRequest,
        get_imss_employment_status: ImssEmploymentStatusRequest,
        get_issste_record: IssteRecordRequest,
        validate_voter_list: VoterListValidationRequest,
        extract_voter_id_data: VoterIdExtractionRequest,
        extract_qr_data: QrExtractionRequest,
        match_faces: FaceMatchRequest,
        check_liveness: LivenessCheckRequest,
        search_sat69: Sat69SearchRequest,
        search_sat69b: Sat69bSearchRequest,
        search_ofac: OfacSearchRequest,
        search_peps: PepSearchRequest,
        validate_email: EmailValidationRequest,
        extract_proof_of_address: ProofOfAddressRequest,
        validate_rfc: RfcValidationRequest,
        extract_csf: CsfExtractionRequest,
        validate_cfdi: CfdiValidationRequest,
        validate_cep: CepValidationRequest,
    });
    rows
}

#[test]
fn every_documented_example_round_trips_through_the_generated_types() {
    let spec = Spec::load("origoid");
    let coverage = spec_examples::check_table(&spec, &table());
    println!("origoid coverage: {coverage:?}");
    assert_eq!(coverage.operations, 22);
    assert!(coverage.request_examples >= coverage.operations);
    assert!(coverage.response_examples > 5 * coverage.operations);
}

/// Every documented response, decoded as the generic envelope: `status` alone decides `Ok`
/// versus `Err` (including the HTTP 200 errors), and every documented `type` is a known code.
#[test]
fn every_documented_envelope_classifies_by_status_and_has_a_known_type() {
    let spec = Spec::load("origoid");
    let mut failures = Vec::new();
    let mut errors_on_200 = 0;
    for (id, operation) in spec.operations() {
        for example in spec.response_examples(operation) {
            let name = format!("{id} {} {}", example.status, example.example.name);
            let value = &example.example.value;
            let envelope: types::ErrorEnvelope =
                serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
            let kind = envelope.result_type();
            if matches!(kind, ResultType::Other(_)) {
                failures.push(format!("{name}: type {kind} is not a ResultType variant"));
            }
            let is_ok = value["status"] == "OK";
            match (is_ok, envelope.into_result()) {
                (true, Ok(outcome)) => assert_eq!(outcome.kind, kind, "{name}"),
                (false, Err(error)) => {
                    errors_on_200 += usize::from(example.status == "200");
                    assert_eq!(error.kind, kind, "{name}");
                    assert_eq!(
                        error.errors.is_empty(),
                        kind != ResultType::InvalidRequest,
                        "{name}: errors[] iff INVALID_REQUEST"
                    );
                }
                (_, result) => {
                    failures.push(format!("{name}: status {} → {result:?}", value["status"]))
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        errors_on_200 >= 22 * 2,
        "every operation documents HTTP 200 errors"
    );
}

/// What [`Envelope::into_result`] should give for one example.
#[derive(Debug)]
enum Expect {
    /// `Ok` with this verdict; `true` if `data` is present.
    Processed(ResultType, bool),
    /// `Err` of this code and class; `true` if transient.
    Failed(ResultType, ErrorClass, bool),
}

/// `into_result` of `value` decoded as the typed envelope `E`, reduced to what [`Expect`] says.
fn verdict<E: Envelope + DeserializeOwned>(
    value: Value,
) -> Result<(ResultType, bool), EnvelopeError> {
    let envelope: E = serde_json::from_value(value).expect("documented example decodes");
    envelope
        .into_result()
        .map(|outcome| (outcome.kind, outcome.data.is_some()))
}

#[test]
fn envelopes_map_to_outcomes_or_typed_errors() {
    use ResultType as T;
    type Decode = fn(Value) -> Result<(ResultType, bool), EnvelopeError>;
    let curp: Decode = verdict::<types::CurpValidationEnvelope>;
    let document: Decode = verdict::<types::CurpDocumentEnvelope>;
    let spec = Spec::load("origoid");
    let with_type = |op: &str, example: &str, status: &str, kind: &str| {
        let mut value = spec.response_example(op, "200", example);
        value["status"] = json!(status);
        value["type"] = json!(kind);
        value
    };
    let rows: Vec<(&str, Value, Decode, Expect)> = vec![
        (
            "success",
            spec.response_example("validate_curp", "200", "success"),
            curp,
            Expect::Processed(T::Success, true),
        ),
        (
            "business verdict with data",
            spec.response_example("validate_curp", "200", "deceased"),
            curp,
            Expect::Processed(T::CurpDeceased, true),
        ),
        (
            "business verdict without data",
            spec.response_example("validate_curp", "200", "notFound"),
            curp,
            Expect::Processed(T::CurpNotFound, false),
        ),
        (
            "INVALID_REQUEST on HTTP 200",
            spec.response_example("validate_curp", "200", "validationError"),
            curp,
            Expect::Failed(T::InvalidRequest, ErrorClass::Client, false),
        ),
        (
            "SERVICE_UNAVAILABLE on HTTP 200",
            spec.response_example("validate_curp", "200", "serviceUnavailable"),
            curp,
            Expect::Failed(T::ServiceUnavailable, ErrorClass::Transient, true),
        ),
        (
            "INTERNAL_ERROR on HTTP 200",
            spec.response_example("validate_curp", "200", "internalError"),
            curp,
            Expect::Failed(T::InternalError, ErrorClass::Server, false),
        ),
        (
            "CURP_NOT_FOUND with status ERROR",
            spec.response_example("extract_curp_document", "200", "notFound"),
            document,
            Expect::Failed(T::CurpNotFound, ErrorClass::Business, false),
        ),
        (
            "IMSS daily quota",
            spec.response_example("lookup_imss_nss", "200", "operationLimit"),
            verdict::<types::ImssNssLookupEnvelope>,
            Expect::Failed(T::ImssOperationLimit, ErrorClass::RateLimited, true),
        ),
        (
            "unknown code, status OK",
            with_type("validate_curp", "success", "OK", "CURP_SOMETHING_NEW"),
            curp,
            Expect::Processed(T::Other("CURP_SOMETHING_NEW".into()), true),
        ),
        (
            "unknown code, status ERROR",
            with_type("validate_curp", "serviceUnavailable", "ERROR", "QUOTA_GONE"),
            curp,
            Expect::Failed(T::Other("QUOTA_GONE".into()), ErrorClass::Business, false),
        ),
    ];
    for (name, value, decode, expect) in rows {
        let transaction = value["transactionId"].as_str().unwrap().to_owned();
        match (decode(value), &expect) {
            (Ok((kind, has_data)), Expect::Processed(want, want_data)) => {
                assert_eq!((&kind, has_data), (want, *want_data), "{name}");
            }
            (Err(error), Expect::Failed(want, class, transient)) => {
                assert_eq!(&error.kind, want, "{name}");
                assert_eq!(error.class(), *class, "{name}");
                assert_eq!(error.is_transient(), *transient, "{name}");
                assert_eq!(
                    error.is_client_error(),
                    *class == ErrorClass::Client,
                    "{name}"
                );
                assert_eq!(error.transaction_id, transaction, "{name}");
                assert!(error.to_string().contains(&transaction), "{name}: {error}");
            }
            (got, _) => panic!("{name}: expected {expect:?}, got {got:?}"),
        }
    }
}

#[test]
fn invalid_request_carries_the_documented_field_errors() {
    let spec = Spec::load("origoid");
    let value = spec.response_example("validate_curp", "200", "validationError");
    let error = verdict::<types::CurpValidationEnvelope>(value.clone()).unwrap_err();
    let documented: Vec<(&str, &str)> = value["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    let decoded: Vec<(&str, &str)> = error
        .errors
        .iter()
        .map(|e| (e.field.as_str(), e.code.as_str()))
        .collect();
    assert_eq!(decoded, documented);
    assert!(!documented.is_empty());
    assert_eq!(error.message, value["message"].as_str().unwrap());
    let (field, code) = documented[0];
    assert!(
        error.to_string().contains(&format!("{field} {code}")),
        "{error}"
    );
}

#[test]
fn result_type_codes_round_trip_and_unknown_codes_decode_as_other() {
    for known in ResultType::KNOWN {
        assert_eq!(&ResultType::parse(known.as_str()), known);
        let json = serde_json::to_value(known).unwrap();
        assert_eq!(json, known.as_str());
        assert_eq!(&serde_json::from_value::<ResultType>(json).unwrap(), known);
        assert!(!matches!(known, ResultType::Other(_)));
    }
    let unknown: ResultType = serde_json::from_value(json!("BRAND_NEW_CODE")).unwrap();
    assert_eq!(unknown, ResultType::Other("BRAND_NEW_CODE".into()));
    assert_eq!(unknown.to_string(), "BRAND_NEW_CODE");
    assert_eq!(unknown.class(), ErrorClass::Business);
}

// ---------------------------------------------------------------------------------------------
// Loopback
// ---------------------------------------------------------------------------------------------

const API_KEY: &str = "test-api-key";
/// `base64("test-user:test-pass")`.
const BASIC: &str = "Basic dGVzdC11c2VyOnRlc3QtcGFzcw==";
const CURP_PATH: &str = "/mex/renapo/v1/curp-validations";

/// Fast failures: no retries, short timeouts.
fn options() -> AuthOptions {
    AuthOptions::default()
        .retries(1, Duration::from_millis(10))
        .timeouts(Duration::from_secs(2), Duration::from_secs(5))
}

/// A loopback server whose token endpoint answers the spec's `success` example to requests
/// carrying `credential` in `credential_header`.
async fn token_server(spec: &Spec, credential_header: &str, credential: &str) -> MockServer {
    let server = MockServer::start().await;
    assert!(server.address().ip().is_loopback());
    Mock::given(method("POST"))
        .and(path("/auth/token"))
        .and(header(credential_header, credential))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(spec.response_example(
                "create_token",
                "200",
                "success",
            )),
        )
        .expect(1)
        .mount(&server)
        .await;
    server
}

/// The bearer header the spec's token example yields.
fn bearer(spec: &Spec) -> String {
    let token = spec.response_example("create_token", "200", "success");
    format!("Bearer {}", token["data"]["access_token"].as_str().unwrap())
}

fn curp_request(spec: &Spec) -> types::CurpValidationRequest {
    serde_json::from_value(spec.request_example("validate_curp", "example")).unwrap()
}

fn body_json(request: &Request) -> Value {
    serde_json::from_slice(&request.body).expect("JSON body")
}

/// The ready client against loopback, per credential kind: the mint request carries the
/// documented credential header and the documented body, the API call carries the bearer.
#[tokio::test]
async fn ready_client_mints_as_documented_and_sends_the_bearer() {
    let spec = Spec::load("origoid");
    struct Case {
        name: &'static str,
        credential_header: &'static str,
        credential: &'static str,
        /// The request example the mint body must equal.
        mint_example: &'static str,
        build: fn(&str) -> Client,
    }
    let cases = [
        Case {
            name: "api key from env",
            credential_header: "x-api-key",
            credential: API_KEY,
            mint_example: "defaultLifetime",
            build: |uri| {
                let env = |name: &str| match name {
                    "ORIGOID_API_KEY" => Some(API_KEY.to_owned()),
                    "ORIGOID_URL" => Some(uri.to_owned()),
                    _ => None,
                };
                origoid::from_env_with(env, options()).unwrap()
            },
        },
        Case {
            name: "basic with expireAfter",
            credential_header: "authorization",
            credential: BASIC,
            mint_example: "customLifetime",
            build: |uri| {
                let config = OrigoIdConfig::basic("test-user", "test-pass".into())
                    .expire_after(60)
                    .options(options());
                origoid::client_at(uri, config).unwrap()
            },
        },
    ];
    for case in cases {
        let server = token_server(&spec, case.credential_header, case.credential).await;
        Mock::given(method("POST"))
            .and(path(CURP_PATH))
            .and(header("authorization", bearer(&spec).as_str()))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(spec.response_example(
                    "validate_curp",
                    "200",
                    "success",
                )),
            )
            .expect(2)
            .mount(&server)
            .await;

        let client = (case.build)(&server.uri());
        for _ in 0..2 {
            let sent = client
                .validate_curp()
                .body(curp_request(&spec))
                .send()
                .await;
            let outcome = origoid::outcome(sent).unwrap_or_else(|e| panic!("{}: {e}", case.name));
            assert!(outcome.is_success(), "{}", case.name);
            let record = outcome.data.expect("record");
            assert_eq!(
                record.personal_info.and_then(|p| p.curp).as_deref(),
                Some("TEST900101HDFRRN09")
            );
        }

        let requests = server.received_requests().await.unwrap();
        let mints: Vec<&Request> = requests
            .iter()
            .filter(|r| r.url.path() == "/auth/token")
            .collect();
        assert_eq!(mints.len(), 1, "{}: one mint for two calls", case.name);
        let mint = mints[0];
        assert_eq!(
            body_json(mint),
            spec.request_example("create_token", case.mint_example),
            "{}",
            case.name
        );
        assert!(
            mint.headers
                .get("content-type")
                .is_some_and(|v| v.to_str().unwrap().starts_with("application/json")),
            "{}",
            case.name
        );
        let calls: Vec<&Request> = requests
            .iter()
            .filter(|r| r.url.path() == CURP_PATH)
            .collect();
        for call in calls {
            assert_eq!(
                call.headers.get("authorization").unwrap(),
                bearer(&spec).as_str()
            );
            assert!(
                call.headers.get("x-api-key").is_none(),
                "the long-lived key stays off API calls"
            );
            assert_eq!(
                body_json(call),
                spec.request_example("validate_curp", "example")
            );
        }
        server.verify().await;
    }
}

/// Errors served by a real HTTP exchange are classified by the envelope, not the status:
/// `INVALID_REQUEST` and `SERVICE_UNAVAILABLE` arrive with 200, rate limiting with 429.
#[tokio::test]
async fn served_errors_are_classified_by_the_envelope() {
    let spec = Spec::load("origoid");
    let rate_limited = spec.response_example("validate_curp", "429", "rateLimitExceeded");
    let cases = [
        (
            200,
            spec.response_example("validate_curp", "200", "validationError"),
            ResultType::InvalidRequest,
            false,
            None,
        ),
        (
            200,
            spec.response_example("validate_curp", "200", "serviceUnavailable"),
            ResultType::ServiceUnavailable,
            true,
            None,
        ),
        (
            429,
            rate_limited,
            ResultType::RateLimitExceeded,
            true,
            Some(Duration::from_secs(7)),
        ),
    ];
    for (status, body, kind, transient, retry_after) in cases {
        let server = token_server(&spec, "x-api-key", API_KEY).await;
        Mock::given(method("POST"))
            .and(path(CURP_PATH))
            .respond_with(
                ResponseTemplate::new(status)
                    .insert_header("retry-after", "7")
                    .set_body_json(body),
            )
            .expect(1)
            .mount(&server)
            .await;
        // Classification only: retries (tested in tests/retries.rs) are off here.
        let config = OrigoIdConfig::api_key(API_KEY.into())
            .options(options().retry(sdk::RetryPolicy::disabled()));
        let client = origoid::client_at(&server.uri(), config).unwrap();
        let sent = client
            .validate_curp()
            .body(curp_request(&spec))
            .send()
            .await;
        if status == 200 {
            assert!(
                sent.is_ok(),
                "the generated client sees HTTP 200 as success"
            );
        }
        let error = origoid::outcome(sent).expect_err("an error envelope");
        assert_eq!(error.is_retryable(), transient, "{kind}");
        assert_eq!(error.kind(), kind.error_kind(), "{kind}");
        assert_eq!(error.code(), Some(kind.as_str()));
        assert!(error.request_id().is_some(), "{kind}: the transactionId");
        assert_eq!(error.retry_after(), retry_after, "{kind}");
        server.verify().await;
    }
}

/// Vendor data stays lenient: `null` where the spec has an optional list decodes as empty.
#[test]
fn null_lists_decode_as_empty() {
    let spec = Spec::load("origoid");
    let mut envelope = spec.response_example("search_ofac", "200", "riskCritical");
    envelope["data"]["matches"] = Value::Null;
    envelope["errors"] = Value::Null;
    let decoded: types::OfacSearchEnvelope = serde_json::from_value(envelope).unwrap();
    assert!(decoded.data.unwrap().matches.is_empty());
}
