//! Several typed successes per operation: a client generated from
//! `fixtures/clients/statuses.yaml` is committed under `statuses_client/` (kept up to date by
//! the first test) and driven against a loopback server, one status at a time (successes and
//! errors); and the same spec with `responses = "one"` keeps one body type per operation
//! and group, as before.

mod support;

#[rustfmt::skip]
#[path = "statuses_client/mod.rs"]
#[allow(clippy::all, dead_code, unused_imports, unexpected_cfgs)]
mod statuses_client;

use statuses_client::{Client, Error, types};
use support::fixture;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use xtask::{ApiConfig, Job, Responses};

#[test]
fn the_committed_statuses_client_is_up_to_date() {
    let fresh = support::committed_client(
        "statuses",
        ApiConfig::standalone("statuses-client"),
        "statuses_client",
        "UPDATE_STATUSES_CLIENT",
        "statuses",
    );
    assert!(
        fresh.contains("ResponseValue<types::Thing>, Error<()>>"),
        "`ping` documents one body type (twice) and keeps it"
    );
}

/// A server answering `method path` once with `status` and `body` (JSON when given), and a
/// client of it (the server checks that one call came when dropped).
async fn answering(
    method_: &str,
    path_: &str,
    status: u16,
    body: Option<&str>,
) -> (MockServer, Client) {
    let server = MockServer::start().await;
    let mut template = ResponseTemplate::new(status);
    if let Some(body) = body {
        template = template.set_body_raw(body.as_bytes().to_vec(), "application/json");
    }
    Mock::given(method(method_))
        .and(path(path_))
        .respond_with(template)
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::new(&server.uri());
    (server, client)
}

#[tokio::test]
async fn each_success_status_decodes_into_its_own_variant() {
    let (_server_created, created) =
        answering("POST", "/things", 201, Some(r#"{"id":"t1"}"#)).await;
    match created.create_thing().send().await.unwrap().into_inner() {
        types::CreateThingResponse::Created(thing) => assert_eq!(thing.id, "t1"),
        other => panic!("201 is `Created`, got {other:?}"),
    }
    let (_server_queued, queued) = answering("POST", "/things", 202, Some(r#"{"job":7}"#)).await;
    let response = queued.create_thing().send().await.unwrap();
    assert_eq!(response.status().as_u16(), 202);
    match response.into_inner() {
        types::CreateThingResponse::Accepted(job) => assert_eq!(job.job, 7),
        other => panic!("202 is `Accepted`, got {other:?}"),
    }
    let (_server_there, there) = answering("POST", "/things", 204, None).await;
    assert!(matches!(
        there.create_thing().send().await.unwrap().into_inner(),
        types::CreateThingResponse::NoContent
    ));
}

#[tokio::test]
async fn not_modified_is_a_result_not_an_error() {
    let (_server_client, client) = answering("GET", "/things/t1", 304, None).await;
    let response = client
        .get_thing()
        .id("t1")
        .send()
        .await
        .expect("304 is no error");
    assert_eq!(response.status().as_u16(), 304);
    assert!(matches!(
        response.into_inner(),
        types::GetThingResponse::NotModified
    ));
    let (_server_fresh, fresh) = answering("GET", "/things/t1", 200, Some(r#"{"id":"t1"}"#)).await;
    match fresh
        .get_thing()
        .id("t1")
        .send()
        .await
        .unwrap()
        .into_inner()
    {
        types::GetThingResponse::Ok(thing) => assert_eq!(thing.id, "t1"),
        other => panic!("200 is `Ok`, got {other:?}"),
    }
}

#[tokio::test]
async fn bytes_and_an_inline_schema_are_typed_per_status() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/things/a/export"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(b"\x00csv".to_vec(), "application/octet-stream"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/things/b/export"))
        .respond_with(
            ResponseTemplate::new(202)
                .set_body_raw(br#"{"retry_after":3}"#.to_vec(), "application/json"),
        )
        .mount(&server)
        .await;
    let client = Client::new(&server.uri());
    match client
        .export_thing()
        .id("a")
        .send()
        .await
        .unwrap()
        .into_inner()
    {
        types::ExportThingResponse::Ok(bytes) => assert_eq!(bytes, b"\x00csv"),
        other => panic!("200 is the bytes, got {other:?}"),
    }
    match client
        .export_thing()
        .id("b")
        .send()
        .await
        .unwrap()
        .into_inner()
    {
        types::ExportThingResponse::Accepted(later) => assert_eq!(later.retry_after, 3),
        other => panic!("202 is the hoisted schema, got {other:?}"),
    }
}

#[tokio::test]
async fn a_status_class_catches_the_successes_not_listed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/stats"))
        .respond_with(
            ResponseTemplate::new(203).set_body_raw(br#"{"job":1}"#.to_vec(), "application/json"),
        )
        .mount(&server)
        .await;
    let client = Client::new(&server.uri());
    match client.get_stats().send().await.unwrap().into_inner() {
        types::GetStatsResponse::Success(job) => assert_eq!(job.job, 1),
        other => panic!("203 falls in `2XX`, got {other:?}"),
    }
}

#[tokio::test]
async fn each_error_status_decodes_into_its_own_variant() {
    let (_server_bad, bad) = answering("POST", "/things", 400, Some(r#"{"message":"no"}"#)).await;
    match bad.create_thing().send().await {
        Err(Error::ErrorResponse(e)) => match e.into_inner() {
            types::CreateThingError::BadRequest(problem) => assert_eq!(problem.message, "no"),
            other => panic!("400 is `BadRequest`, got {other:?}"),
        },
        other => panic!("400 is an error, got {other:?}"),
    }
    let (_server_invalid, invalid) =
        answering("POST", "/things", 422, Some(r#"{"fields":["name"]}"#)).await;
    match invalid.create_thing().send().await {
        Err(Error::ErrorResponse(e)) => {
            assert_eq!(e.status().as_u16(), 422);
            match e.into_inner() {
                types::CreateThingError::UnprocessableEntity(body) => {
                    assert_eq!(body.fields, ["name"]);
                }
                other => panic!("422 is `UnprocessableEntity`, got {other:?}"),
            }
        }
        other => panic!("422 is an error, got {other:?}"),
    }
    let (_server_down, down) = answering("POST", "/things", 503, None).await;
    match down.create_thing().send().await {
        Err(Error::ErrorResponse(e)) => {
            assert_eq!(e.status().as_u16(), 503);
            assert!(matches!(
                e.into_inner(),
                types::CreateThingError::ServerError
            ));
        }
        other => panic!("503 falls in `5XX`, got {other:?}"),
    }
}

#[tokio::test]
async fn undocumented_statuses_and_documented_errors_stay_errors() {
    let (_server_undocumented, undocumented) = answering("POST", "/things", 209, None).await;
    match undocumented.create_thing().send().await {
        Err(Error::UnexpectedResponse(r)) => assert_eq!(r.status().as_u16(), 209),
        other => panic!("209 is not documented, got {other:?}"),
    }
    let (_server_missing, missing) =
        answering("GET", "/things/x", 404, Some(r#"{"message":"no"}"#)).await;
    match missing.get_thing().id("x").send().await {
        Err(Error::ErrorResponse(e)) => assert_eq!(e.into_inner().message, "no"),
        other => panic!("404 is the typed error, got {other:?}"),
    }
    let (_server_wrong, wrong) = answering("POST", "/things", 201, Some(r#"{"job":1}"#)).await;
    assert!(matches!(
        wrong.create_thing().send().await,
        Err(Error::InvalidResponsePayload(..))
    ));
}

/// The fixture generated with `config`.
fn build(config: ApiConfig) -> Result<xtask::Built, xtask::Findings> {
    Job {
        name: "statuses".into(),
        spec: fixture("clients/statuses.yaml"),
        fixes: None,
        config,
        display_root: fixture(""),
        command: "cargo xtask generate".into(),
    }
    .build()
}

#[test]
fn a_strict_spec_may_document_several_responses() {
    let mut config = ApiConfig::standalone("statuses-client");
    config.strict = true;
    let built =
        build(config).unwrap_or_else(|f| panic!("nothing is lost, nothing to refuse:\n{f}"));
    assert!(built.files[std::path::Path::new("src/lib.rs")].contains("pub enum CreateThingError"));
}

#[test]
fn responses_one_keeps_one_body_type_and_warns_about_the_others() {
    let mut config = ApiConfig::standalone("statuses-client");
    config.responses = Responses::One;
    let built = build(config).expect("the statuses spec generates with one body type");
    let lib = &built.files[std::path::Path::new("src/lib.rs")];
    assert!(!lib.contains("CreateThingResponse"), "no per-status enum");
    assert!(lib.contains("ResponseValue<types::Thing>, Error<types::Problem>>"));
    let findings = built.findings.to_string();
    assert_eq!(
        findings.matches("warning[multiple-response-types]").count(),
        6,
        "{findings}"
    );
}
