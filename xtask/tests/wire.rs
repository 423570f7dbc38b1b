//! What generated clients put on the wire, checked against a loopback server: a client
//! generated from `fixtures/clients/wire.yaml` is committed under `wire_client/` (kept up to
//! date by the first test) and drives each request shape the normaliser rewrites.

mod support;

#[rustfmt::skip]
#[path = "wire_client/mod.rs"]
#[allow(clippy::all, dead_code, unused_imports, unexpected_cfgs)]
mod wire_client;

use wire_client::{Client, Error};
use wiremock::matchers::{body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};
use xtask::ApiConfig;

#[test]
fn the_committed_wire_client_is_up_to_date() {
    support::committed_client(
        "wire",
        ApiConfig::standalone("wire-client"),
        "wire_client",
        "UPDATE_WIRE_CLIENT",
        "wire",
    );
}

async fn server() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::new(&server.uri());
    (server, client)
}

#[tokio::test]
async fn a_204_is_an_empty_success_and_the_error_body_stays_the_error_type() {
    let (server, client) = server().await;
    Mock::given(method("DELETE"))
        .and(path("/items/1"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/items/2"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("content-type", "application/problem+json")
                .set_body_string(r#"{"message":"no such item"}"#),
        )
        .mount(&server)
        .await;
    let ok = client
        .delete_item()
        .id("1")
        .send()
        .await
        .expect("204 is a success");
    assert_eq!(ok.status().as_u16(), 204);
    let () = ok.into_inner();
    match client.delete_item().id("2").send().await {
        Err(Error::ErrorResponse(e)) => {
            assert_eq!(e.status().as_u16(), 404);
            assert_eq!(e.into_inner().message, "no such item");
        }
        other => panic!("expected the typed error body, got {other:?}"),
    }
}

#[tokio::test]
async fn path_parameters_are_percent_encoded_as_rfc_6570_says() {
    let (server, client) = server().await;
    Mock::given(method("DELETE"))
        .and(path("/items/%2B255%20a%3Bb%2Cc%26d%3De%2Ff%C3%A9-._~"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    client
        .delete_item()
        .id("+255 a;b,c&d=e/fé-._~")
        .send()
        .await
        .expect("every character but the unreserved ones is percent-encoded");
}

#[tokio::test]
async fn object_query_parameters_go_out_flattened_and_headers_lower_case() {
    let (server, client) = server().await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .and(query_param("number", "2"))
        .and(query_param("size", "10"))
        .and(query_param("filter[state]", "open"))
        .and(query_param("filter[owner][name]", "ada"))
        .and(query_param("ids", "a,b"))
        .and(header("x-request-id", "req-1"))
        .and(header("x-trace", "t-1"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"[{"id":"1","name":"one"}]"#))
        .expect(1)
        .mount(&server)
        .await;
    let items = client
        .list_items()
        .number(2)
        .size(10)
        .filter_state("open")
        .filter_owner_name("ada")
        .ids("a,b")
        .x_request_id("req-1")
        .x_trace("t-1")
        .send()
        .await
        .expect("every parameter where the spec puts it");
    assert_eq!(items.into_inner()[0].id.as_deref(), Some("1"));
}

#[tokio::test]
async fn a_multipart_body_carries_file_and_text_parts() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .and(path("/files"))
        .respond_with(|req: &Request| {
            let content_type = req.headers.get("content-type").unwrap().to_str().unwrap();
            let boundary = content_type
                .strip_prefix("multipart/form-data; boundary=")
                .expect("multipart content type");
            let body = String::from_utf8_lossy(&req.body);
            let file = "Content-Disposition: form-data; name=\"file\"; filename=\"file\"";
            let ok = body.contains(file)
                && body.contains("\r\n\r\nPNG\x01bytes\r\n")
                && body.contains("name=\"purpose\"\r\n\r\nassistants\r\n")
                && body.matches("name=\"tags\"").count() == 2
                && body.ends_with(&format!("--{boundary}--\r\n"));
            if ok {
                ResponseTemplate::new(201).set_body_string(r#"{"id":"f1"}"#)
            } else {
                ResponseTemplate::new(400).set_body_string(body.into_owned())
            }
        })
        .mount(&server)
        .await;
    let created = client
        .upload_file()
        .body_map(|b| {
            b.file(b"PNG\x01bytes".to_vec())
                .purpose("assistants")
                .tags(vec!["a".to_owned(), "b".to_owned()])
        })
        .send()
        .await
        .expect("the server accepts the form");
    assert_eq!(created.into_inner().id.as_deref(), Some("f1"));
}

#[tokio::test]
async fn bodies_go_out_with_their_declared_media_types() {
    let (server, client) = server().await;
    Mock::given(method("PATCH"))
        .and(path("/items/1"))
        .and(header("content-type", "application/merge-patch+json"))
        .and(body_string(r#"{"name":"new"}"#))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"id":"1","name":"new"}"#))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/items/1/image"))
        .and(header("content-type", "image/png"))
        .and(body_string("\u{89}PNG"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/tokens"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string("grant_type=client_credentials&scope=read"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"access_token":"t"}"#))
        .expect(1)
        .mount(&server)
        .await;
    let patched = client
        .patch_item()
        .id("1")
        .body_map(|b| b.name("new".to_owned()))
        .send()
        .await
        .expect("merge patch");
    assert_eq!(patched.into_inner().name.as_deref(), Some("new"));
    client
        .put_image()
        .id("1")
        .body("\u{89}PNG".as_bytes().to_vec())
        .send()
        .await
        .expect("image");
    let token = client
        .create_token()
        .body_map(|b| b.grant_type("client_credentials").scope("read".to_owned()))
        .send()
        .await
        .expect("form");
    assert_eq!(token.into_inner().access_token.as_deref(), Some("t"));
}

#[tokio::test]
async fn an_options_request_is_sent_as_options() {
    let (server, client) = server().await;
    Mock::given(method("OPTIONS"))
        .and(path("/items"))
        .respond_with(ResponseTemplate::new(204).insert_header("allow", "GET, OPTIONS"))
        .expect(1)
        .mount(&server)
        .await;
    let response = client.item_options().send().await.expect("204");
    assert_eq!(response.headers()["allow"], "GET, OPTIONS");
}
