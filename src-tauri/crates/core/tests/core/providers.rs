use halley_core::providers::{
    env_proposals_from, ProviderKind, Settings, COMETAPI_BASE_URL, OPENAI_BASE_URL,
};
use halley_core::Error;

use crate::support::memory_history;

#[test]
fn providers_and_active_one() {
    let history = memory_history();
    let comet = history
        .add_provider("CometAPI", ProviderKind::Cometapi, None)
        .expect("add comet");
    assert_eq!(
        comet.base_url, COMETAPI_BASE_URL,
        "CometAPI gets its default base URL"
    );
    let custom = history
        .add_provider(
            "Local",
            ProviderKind::Custom,
            Some("http://127.0.0.1:8080/v1/"),
        )
        .expect("custom");
    assert_eq!(
        custom.base_url, "http://127.0.0.1:8080/v1",
        "the trailing slash is removed"
    );
    assert!(
        matches!(
            history.add_provider("x", ProviderKind::Custom, None),
            Err(Error::InvalidInput(_))
        ),
        "custom needs a URL"
    );
    assert!(
        matches!(
            history.add_provider("x", ProviderKind::Custom, Some("ftp://x")),
            Err(Error::InvalidInput(_))
        ),
        "http(s) only"
    );

    assert_eq!(
        history.active_provider().expect("active").map(|p| p.id),
        Some(comet.id.clone()),
        "the first provider becomes active"
    );
    history.set_active_provider(&custom.id).expect("switch");
    assert_eq!(
        history.settings().expect("settings").active_provider_id,
        Some(custom.id.clone()),
        "switch is saved"
    );
    history.delete_provider(&custom.id).expect("delete");
    assert_eq!(
        history.active_provider().expect("active").map(|p| p.id),
        Some(comet.id.clone()),
        "deleting the active one falls back"
    );
    assert!(
        matches!(
            history.set_active_provider("missing"),
            Err(Error::NotFound(_))
        ),
        "unknown provider"
    );
}

#[test]
fn settings_round_trip_with_defaults() {
    let history = memory_history();
    assert_eq!(
        history.settings().expect("defaults"),
        Settings::default(),
        "a fresh database has the defaults"
    );
    let settings = Settings {
        theme: "dark".into(),
        language: "vi".into(),
        font_size: 17,
        server_side_storage: true,
        ..Settings::default()
    };
    history.save_settings(&settings).expect("save");
    assert_eq!(
        history.settings().expect("read"),
        settings,
        "every setting is stored"
    );
}

#[test]
fn env_proposals_describe_without_the_key() {
    let env = |name: &str| match name {
        "OPENAI_API_KEY" => Some("sk-test-abcdefgh1234".to_owned()),
        "OPENAI_BASE_URL" => Some("https://gateway.example/v1/".to_owned()),
        "COMETAPI_KEY" => Some("  ".to_owned()),
        _ => None,
    };
    let proposals = env_proposals_from(&env);
    assert_eq!(proposals.len(), 1, "a blank COMETAPI_KEY proposes nothing");
    let p = &proposals[0];
    assert_eq!(
        (p.kind, p.base_url.as_str()),
        (ProviderKind::Custom, "https://gateway.example/v1"),
        "a foreign base URL is a custom gateway"
    );
    assert_eq!(
        p.last4.as_deref(),
        Some("1234"),
        "only the last four characters are shown"
    );
    let json = serde_json::to_string(p).expect("serializes");
    assert!(
        !json.contains("abcdefgh"),
        "the key itself is not in the descriptor: {json}"
    );

    let openai = env_proposals_from(&|name: &str| {
        (name == "OPENAI_API_KEY").then(|| "sk-1234567890".to_owned())
    });
    assert_eq!(
        (openai[0].kind, openai[0].base_url.as_str()),
        (ProviderKind::Openai, OPENAI_BASE_URL),
        "no base URL means OpenAI"
    );
}
