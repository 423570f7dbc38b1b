//! `--help` on every level lists what is below it with the spec's summaries.

use super::*;

async fn help(args: &[&str]) -> String {
    let run = sdk_cli(args, &[], None).await;
    assert_eq!(run.code, 0, "{run:?}");
    run.stdout
}

#[tokio::test]
async fn every_level_lists_operations_with_their_summaries() {
    let top = help(&["--help"]).await;
    for line in ["bridge", "obi", "origoid", "OBI_API_KEY", "Exit codes"] {
        assert!(top.contains(line), "top-level help lacks {line}:\n{top}");
    }
    for (op, summary) in [
        (
            "trigger-mobile-collection",
            "Trigger a mobile (USSD) collection",
        ),
        ("validate-curp", "Validate a CURP against RENAPO"),
        ("create-quote", "Price a trip"),
    ] {
        assert!(
            top.lines().any(|l| l.contains(op) && l.contains(summary)),
            "top-level help lacks {op}:\n{top}"
        );
    }
    let obi = help(&["obi", "--help"]).await;
    for (op, summary) in [
        ("create-quote", "Price a trip"),
        ("get-customer", "Describe the calling account"),
        ("token", "lifetime"),
        ("revoke", "--all"),
    ] {
        assert!(
            obi.lines().any(|l| l.contains(op) && l.contains(summary)),
            "obi help lacks {op}:\n{obi}"
        );
    }
    let op = help(&["bridge", "get-collection-status", "--help"]).await;
    for text in [
        "Poll collection status",
        "--transaction-id",
        "--fsp-id",
        "(query parameter)",
        "GET /collection/status",
    ] {
        assert!(op.contains(text), "operation help lacks {text}:\n{op}");
    }
    let quote = help(&["obi", "create-quote", "--help"]).await;
    for text in [
        "--body <JSON>",
        "--body-file <FILE>",
        "Body members",
        "--distance-km <NUMBER>",
        "route-metadata-incomplete",
        "Sends POST /v1/quote.",
    ] {
        assert!(quote.contains(text), "quote help lacks {text}:\n{quote}");
    }
}
