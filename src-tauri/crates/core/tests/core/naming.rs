//! A new conversation named by the model after its first answer, against
//! halley-mock serving real recorded answers: the answer becomes the title;
//! a title the user changed stays; a failed request keeps the first words.

use std::path::PathBuf;

use halley_core::chat::{self, Outgoing};
use halley_core::providers::ProviderKind;
use halley_responses::{Client, Endpoint, SecretString};

use crate::support::file_history;

fn cases_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../../shared/fixtures/responses/cases")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_model_names_a_new_conversation_unless_the_user_renamed_it() {
    let mock = halley_mock::serve(halley_mock::Config {
        cases_dir: Some(cases_dir()),
        ..halley_mock::Config::default()
    })
    .await
    .expect("mock starts");
    let endpoint = Endpoint::new(mock.base_url(), SecretString::new("sk-test-naming"));
    let client = Client::new().expect("client");
    let (_dir, history) = file_history();
    let provider = history
        .add_provider("Mock", ProviderKind::Custom, Some(&mock.base_url()))
        .expect("provider")
        .id;
    let ask = |text: &str| {
        chat::prepare_send(
            &history,
            Outgoing {
                conversation_id: None,
                parent_id: None,
                text: text.into(),
                attachments: Vec::new(),
                model: "m".into(),
                provider_id: Some(provider.clone()),
            },
        )
        .expect("sent")
        .conversation_id
    };
    let title = |id: &str| {
        history
            .get_conversation(id)
            .expect("tree")
            .conversation
            .title
    };

    // The recorded answer to "what is the capital of France?" names it.
    let named = ask("what is the capital of France? tell me in one line please");
    let got = chat::name_conversation(&history, &client, &endpoint, &named, "case:pydai-text-json")
        .await
        .expect("names");
    assert_eq!(got.as_deref(), Some("The capital of France is Paris"));
    assert_eq!(title(&named), "The capital of France is Paris");

    // Renamed by the user: it stays.
    let renamed = ask("another question");
    history
        .rename_conversation(&renamed, "Mine")
        .expect("renames");
    let got = chat::name_conversation(
        &history,
        &client,
        &endpoint,
        &renamed,
        "case:pydai-text-json",
    )
    .await
    .expect("runs");
    assert_eq!(got, None);
    assert_eq!(title(&renamed), "Mine");

    // The provider fails: the first words stay.
    let failed = ask("a third question");
    let got = chat::name_conversation(&history, &client, &endpoint, &failed, "fault:500")
        .await
        .expect("runs");
    assert_eq!(got, None);
    assert_eq!(title(&failed), "a third question");

    // A server that repeats its input gives the first words back: no change.
    let echoed = ask("just echo this");
    let got = chat::name_conversation(&history, &client, &endpoint, &echoed, "echo")
        .await
        .expect("runs");
    assert_eq!(got, None);
    assert_eq!(title(&echoed), "just echo this");
}
