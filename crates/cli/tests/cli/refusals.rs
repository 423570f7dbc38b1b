//! Input that does not fit the operation is refused with exit code 2 and a message saying
//! where, before anything (not even a token request) is sent.

use super::*;

/// The error line of an Obi command refused with exit code 2, nothing sent.
async fn refused(args: &[&str]) -> String {
    nothing_sent(args, obi_env, 2).await.error_line().to_owned()
}

#[tokio::test]
async fn bad_json_in_body_is_located() {
    let line = refused(&[
        "obi",
        "create-quote",
        "--body",
        r#"{"pickup": {"latitude": 1,"#,
    ])
    .await;
    assert!(
        line.starts_with("error: invalid request: --body: not valid JSON"),
        "{line}"
    );
    assert!(line.contains("line 1 column 26"), "{line}");
}

#[tokio::test]
async fn a_member_of_the_wrong_type_names_the_member_path() {
    let mut request = quote_request();
    request["pickup"]["latitude"] = "north".into();
    let body = request.to_string();
    let line = refused(&["obi", "create-quote", "--body", &body]).await;
    assert!(line.contains("body member `pickup.latitude`"), "{line}");
    assert!(line.contains("expected f64"), "{line}");
}

#[tokio::test]
async fn a_member_flag_of_the_wrong_type_names_the_flag() {
    let mut args = vec!["obi".to_owned(), "create-quote".to_owned()];
    args.extend(quote_flags(&quote_request()));
    args[7] = "far".into(); // --distance-km far
    let line = refused(&strs(&args)).await;
    assert!(
        line.starts_with("error: invalid request: --distance-km:"),
        "{line}"
    );
}

#[tokio::test]
async fn a_missing_required_member_is_named() {
    let line = refused(&[
        "obi",
        "create-quote",
        "--pickup",
        r#"{"latitude":1,"longitude":2}"#,
    ])
    .await;
    assert!(line.contains("missing field `destination`"), "{line}");
}

#[tokio::test]
async fn an_unknown_member_is_refused_rather_than_dropped() {
    let mut request = quote_request();
    request["distnceKm"] = 3.into();
    let body = request.to_string();
    let line = refused(&["obi", "create-quote", "--body", &body]).await;
    assert!(
        line.contains("body member `distnceKm` is not part of"),
        "{line}"
    );
}

#[tokio::test]
async fn the_facade_route_rule_applies_before_sending() {
    let mut request = quote_request();
    request.as_object_mut().unwrap().remove("durationMinutes");
    let body = request.to_string();
    let line = refused(&["obi", "create-quote", "--body", &body]).await;
    assert!(line.starts_with("error: invalid request"), "{line}");
    assert!(line.contains("durationMinutes"), "{line}");
}

#[tokio::test]
async fn a_parameter_that_does_not_fit_its_type_is_refused() {
    let env = |server: &MockServer| {
        vec![
            ("BRIDGE_BAAS_KEY_ID", "k".to_owned()),
            ("BRIDGE_BAAS_SECRET", "s".to_owned()),
            ("BRIDGE_BAAS_URL", format!("{}/api", server.uri())),
        ]
    };
    let args = ["bridge", "get-customer", "--customer-id", "not-a-uuid"];
    let run = nothing_sent(&args, env, 2).await;
    let line = run.error_line();
    assert!(
        line.starts_with("error: invalid request: --customer-id:"),
        "{line}"
    );
}

#[tokio::test]
async fn unknown_operations_and_missing_flags_are_usage_errors() {
    for args in [
        &["obi", "create-qoute"][..],
        &["bridge", "get-collection-status", "--fsp-id", "CLICKPESA"],
        &["obi", "revoke"],
        &[
            "obi",
            "create-quote",
            "--body",
            "{}",
            "--body-file",
            "x.json",
        ],
    ] {
        let run = nothing_sent(args, obi_env, 2).await;
        assert!(
            run.error_line().starts_with("error: invalid request: "),
            "{run:?}"
        );
    }
}
