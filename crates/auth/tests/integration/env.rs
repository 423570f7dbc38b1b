//! T14: configuration from an injected environment (the process env is never touched).

use std::collections::HashMap;

use sdk_auth::{AuthError, BridgeConfig, ObiConfig, OrigoIdConfig};

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| map.get(name).cloned()
}

fn config_error(result: Result<impl std::fmt::Debug, AuthError>) -> String {
    match result {
        Err(AuthError::Config(message)) => message,
        other => panic!("expected a config error, got {other:?}"),
    }
}

const VALUE: &str = "VALUE-THAT-MUST-NOT-LEAK";

#[test]
fn obi_from_env() {
    let auth = ObiConfig::from_env(env(&[
        ("OBI_API_KEY", "pgw_acme"),
        ("OBI_API_SECRET", VALUE),
    ]))
    .unwrap()
    .build()
    .unwrap();
    assert!(
        format!("{auth:?}").contains("https://api.obifareai.com/"),
        "{auth:?}"
    );
    let message = config_error(ObiConfig::from_env(env(&[("OBI_API_KEY", VALUE)])));
    assert!(
        message.contains("OBI_API_SECRET") && !message.contains(VALUE),
        "{message}"
    );
    let message = config_error(ObiConfig::from_env(env(&[
        ("OBI_API_SECRET", VALUE),
        ("OBI_API_KEY", "  "),
    ])));
    assert!(
        message.contains("OBI_API_KEY") && !message.contains(VALUE),
        "{message}"
    );
    let message = config_error(
        ObiConfig::from_env(env(&[
            ("OBI_API_KEY", "k"),
            ("OBI_API_SECRET", VALUE),
            ("OBI_URL", "http://example.com"),
        ]))
        .unwrap()
        .build(),
    );
    assert!(
        message.contains("OBI_URL") && !message.contains("example.com"),
        "{message}"
    );
}

#[test]
fn bridge_from_env() {
    let only_baas = env(&[("BRIDGE_BAAS_KEY_ID", "key"), ("BRIDGE_BAAS_SECRET", VALUE)]);
    let auth = BridgeConfig::from_env(only_baas).unwrap().build().unwrap();
    let debug = format!("{auth:?}");
    assert!(
        debug.contains("services.finance.reli.co.tz") && !debug.contains("collections"),
        "{debug}"
    );
    let both = env(&[
        ("BRIDGE_BAAS_KEY_ID", "key"),
        ("BRIDGE_BAAS_SECRET", VALUE),
        ("BRIDGE_GATEWAY_KEY_ID", "gkey"),
        ("BRIDGE_GATEWAY_SECRET", VALUE),
        ("BRIDGE_GATEWAY_URL", "https://gw.example/api"),
    ]);
    let debug = format!(
        "{:?}",
        BridgeConfig::from_env(both).unwrap().build().unwrap()
    );
    assert!(
        debug.contains("https://gw.example/api") && !debug.contains(VALUE),
        "{debug}"
    );
    let message = config_error(BridgeConfig::from_env(env(&[(
        "BRIDGE_BAAS_KEY_ID",
        VALUE,
    )])));
    assert!(
        message.contains("BRIDGE_BAAS_SECRET") && !message.contains(VALUE),
        "{message}"
    );
    let message = config_error(BridgeConfig::from_env(env(&[(
        "BRIDGE_GATEWAY_SECRET",
        VALUE,
    )])));
    assert!(
        message.contains("BRIDGE_COLLECTIONS_KEY_ID") && !message.contains(VALUE),
        "{message}"
    );
    // The current names win over the legacy ones.
    let current = env(&[
        ("BRIDGE_COLLECTIONS_KEY_ID", "ckey"),
        ("BRIDGE_COLLECTIONS_SECRET", VALUE),
        ("BRIDGE_COLLECTIONS_URL", "https://collections.example/api"),
        ("BRIDGE_GATEWAY_URL", "https://gw.example/api"),
    ]);
    let debug = format!(
        "{:?}",
        BridgeConfig::from_env(current).unwrap().build().unwrap()
    );
    assert!(
        debug.contains("collections.example") && !debug.contains("gw.example"),
        "{debug}"
    );
    let message = config_error(BridgeConfig::from_env(env(&[])));
    assert!(message.contains("BRIDGE_BAAS_KEY_ID"), "{message}");
}

#[test]
fn origoid_from_env() {
    let auth = OrigoIdConfig::from_env(env(&[
        ("ORIGOID_API_KEY", VALUE),
        ("ORIGOID_EXPIRE_AFTER", "600"),
    ]))
    .unwrap()
    .build()
    .unwrap();
    let debug = format!("{auth:?}");
    assert!(
        debug.contains("https://api.origoid.com/") && !debug.contains(VALUE),
        "{debug}"
    );
    OrigoIdConfig::from_env(env(&[
        ("ORIGOID_USERNAME", "user"),
        ("ORIGOID_PASSWORD", VALUE),
    ]))
    .unwrap()
    .build()
    .unwrap();
    let message = config_error(OrigoIdConfig::from_env(env(&[(
        "ORIGOID_USERNAME",
        "user",
    )])));
    assert!(message.contains("ORIGOID_PASSWORD"), "{message}");
    let message = config_error(OrigoIdConfig::from_env(env(&[])));
    assert!(message.contains("ORIGOID_API_KEY"), "{message}");
    let message = config_error(OrigoIdConfig::from_env(env(&[
        ("ORIGOID_API_KEY", "k"),
        ("ORIGOID_EXPIRE_AFTER", VALUE),
    ])));
    assert!(
        message.contains("ORIGOID_EXPIRE_AFTER") && !message.contains(VALUE),
        "{message}"
    );
    let message = config_error(OrigoIdConfig::from_env(env(&[
        ("ORIGOID_API_KEY", "k"),
        ("ORIGOID_EXPIRE_AFTER", "7200"),
    ])));
    assert!(
        message.contains("ORIGOID_EXPIRE_AFTER must be an integer from 1 to 3600"),
        "{message}"
    );
    let message = config_error(
        OrigoIdConfig::api_key("k".into())
            .expire_after(7200)
            .build(),
    );
    assert!(message.contains("expireAfter"), "{message}");
    // Every problem at once: a missing password and an invalid lifetime in one message.
    let message = config_error(OrigoIdConfig::from_env(env(&[
        ("ORIGOID_USERNAME", "u"),
        ("ORIGOID_EXPIRE_AFTER", "0"),
    ])));
    assert!(
        message.contains("ORIGOID_PASSWORD") && message.contains("ORIGOID_EXPIRE_AFTER"),
        "{message}"
    );
}
