use halley_core::providers::{
    env_proposals_from, ProviderKind, COMETAPI_BASE_URL, OPENAI_BASE_URL,
};
use halley_core::settings::{DamagedSetting, LanguageChoice, SettingProblem, Settings, Theme};
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
        history.active_provider_id().expect("active id"),
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
        history.settings().expect("defaults").settings,
        Settings::default(),
        "a fresh database has the defaults"
    );
    let settings = Settings {
        theme: Theme::Dark,
        language: LanguageChoice::Vi,
        font_size: 17,
        server_side_storage: false,
        model: "gpt-5".into(),
        web_search: true,
        code_interpreter: true,
        image_generation: true,
        image_options: halley_core::chat::ImageOptions {
            size: halley_core::chat::ImageSize::Portrait,
            quality: halley_core::chat::ImageQuality::High,
            background: halley_core::chat::ImageBackground::Transparent,
        },
        prices: vec![halley_core::pricing::ModelPrice {
            provider_id: "p1".into(),
            model: "gpt-5".into(),
            input: 1_250_000,
            cached_input: None,
            output: 10_000_000,
        }],
        keep_uploaded_files: true,
        reasoning_effort: Some(halley_core::chat::ReasoningEffort::High),
        probe_automatically: false,
        automatic_backups: false,
        backups_kept: 12,
        long_answers: halley_core::settings::LongAnswers::Always,
        long_answer_models: vec!["o3-pro".into()],
        quick_ask_shortcut: Some("Ctrl+Shift+Space".into()),
        generated_titles: false,
    };
    history.save_settings(&settings).expect("save");
    assert_eq!(
        history.settings().expect("read").settings,
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

mod cleartext_and_moves {
    use halley_core::keys::{KeyStore, MemoryStore, SecretString};
    use halley_core::provider_keys::{save_provider, ProviderChange};
    use halley_core::providers::{CleartextConsent, ProviderKind};
    use halley_core::Error;

    use crate::support::memory_history;

    fn change(id: Option<&str>, base_url: &str, key: Option<&str>) -> ProviderChange {
        ProviderChange {
            id: id.map(str::to_owned),
            name: "Gateway".into(),
            kind: ProviderKind::Custom,
            base_url: base_url.into(),
            api_key: key.map(SecretString::new),
            cleartext: CleartextConsent::NotGiven,
        }
    }

    #[test]
    fn cleartext_to_another_host_needs_a_typed_confirmation_loopback_does_not() {
        let history = memory_history();
        let keys = MemoryStore::new();
        for remote in [
            "http://gateway.example.com/v1",
            "http://192.168.1.20:8080/v1",
            "http://[2001:db8::1]/v1",
        ] {
            let refused = save_provider(
                &history,
                &keys,
                change(None, remote, Some("sk-remote-1234")),
            );
            assert!(
                matches!(refused, Err(Error::CleartextNotConfirmed(_))),
                "{remote}: {refused:?}"
            );
        }
        assert!(
            history.list_providers().expect("list").is_empty(),
            "nothing was saved"
        );
        let confirmed = save_provider(
            &history,
            &keys,
            ProviderChange {
                cleartext: CleartextConsent::Given,
                ..change(
                    None,
                    "http://gateway.example.com/v1",
                    Some("sk-remote-1234"),
                )
            },
        )
        .expect("confirmed");
        assert_eq!(confirmed.base_url, "http://gateway.example.com/v1");
        for local in [
            "http://127.0.0.1:8080/v1",
            "http://localhost:1234/v1",
            "http://[::1]:9/v1",
            "https://gateway.example.com/v1",
        ] {
            save_provider(&history, &keys, change(None, local, Some("sk-local-12345")))
                .unwrap_or_else(|e| panic!("{local} needs no confirmation: {e}"));
        }
        // The same rule holds for an edit, not only for a new provider.
        let edit = save_provider(
            &history,
            &keys,
            change(
                Some(&confirmed.id),
                "http://other.example.com/v1",
                Some("sk-other-12345"),
            ),
        );
        assert!(
            matches!(edit, Err(Error::CleartextNotConfirmed(_))),
            "{edit:?}"
        );
        assert_eq!(
            keys.get(&confirmed.id)
                .expect("get")
                .map(|k| k.expose().to_owned())
                .as_deref(),
            Some("sk-remote-1234"),
            "a refused edit loses nothing"
        );
    }

    #[test]
    fn a_provider_moved_to_another_origin_does_not_take_its_key_along() {
        let history = memory_history();
        let keys = MemoryStore::new();
        let saved = save_provider(
            &history,
            &keys,
            change(
                None,
                "https://gateway.example.com/v1",
                Some("sk-original-1234"),
            ),
        )
        .expect("saved");

        // A new path on the same origin keeps the key.
        save_provider(
            &history,
            &keys,
            change(Some(&saved.id), "https://gateway.example.com/v2/", None),
        )
        .expect("same origin");
        assert!(
            keys.get(&saved.id).expect("get").is_some(),
            "same server, same key"
        );

        // Another host, port or scheme without a new key is refused, and nothing changes.
        for elsewhere in [
            "https://attacker.example.net/v1",
            "https://gateway.example.com:8443/v1",
            "http://127.0.0.1:9/v1",
        ] {
            let moved = save_provider(&history, &keys, change(Some(&saved.id), elsewhere, None));
            assert!(
                matches!(moved, Err(Error::KeyRequired(_))),
                "{elsewhere}: {moved:?}"
            );
            assert_eq!(
                history.provider(&saved.id).expect("provider").base_url,
                "https://gateway.example.com/v2",
                "the URL did not change"
            );
        }

        // With a new key the move is allowed, and the old key is gone.
        save_provider(
            &history,
            &keys,
            change(
                Some(&saved.id),
                "http://127.0.0.1:9/v1",
                Some("sk-local-5678"),
            ),
        )
        .expect("moved with a new key");
        assert_eq!(
            keys.get(&saved.id)
                .expect("get")
                .map(|k| k.expose().to_owned())
                .as_deref(),
            Some("sk-local-5678"),
            "only the new key is stored"
        );
    }
}

#[test]
fn one_damaged_setting_falls_back_alone() {
    let (dir, history) = crate::support::file_history();
    let comet = history
        .add_provider("CometAPI", ProviderKind::Cometapi, None)
        .expect("add comet");
    history
        .save_settings(&Settings {
            theme: Theme::Dark,
            font_size: 17,
            ..Settings::default()
        })
        .expect("save");
    // A hand-edited or damaged file: one value of the wrong type, one not JSON.
    let conn = rusqlite::Connection::open(dir.path().join("history.sqlite3")).expect("open");
    conn.execute(
        "UPDATE settings SET value = '\"huge\"' WHERE key = 'fontSize'",
        [],
    )
    .expect("damage one");
    conn.execute(
        "UPDATE settings SET value = 'not json' WHERE key = 'theme'",
        [],
    )
    .expect("damage another");
    let reading = history.settings().expect("still reads");
    assert_eq!(
        reading.settings.font_size, 15,
        "the damaged value takes its default"
    );
    assert_eq!(
        reading.settings.theme,
        Theme::System,
        "so does the one that is not JSON"
    );
    let mut damaged = reading.damaged.clone();
    damaged.sort_by(|a, b| a.key.cmp(&b.key));
    assert_eq!(
        damaged,
        vec![
            DamagedSetting {
                key: "fontSize".into(),
                problem: SettingProblem::WrongValue
            },
            DamagedSetting {
                key: "theme".into(),
                problem: SettingProblem::NotJson
            },
        ],
        "both are reported, so the UI can say so"
    );
    assert_eq!(
        history.active_provider_id().expect("active id"),
        Some(comet.id.clone()),
        "and nothing else is lost with them"
    );
    // Saving the settings again replaces the damage.
    history
        .save_settings(&reading.settings)
        .expect("save over the damage");
    assert!(history.settings().expect("read").damaged.is_empty());
}
