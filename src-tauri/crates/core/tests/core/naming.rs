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
    // What naming cost counts with the conversation and in the usage view,
    // on the naming model, but not as an answer.
    let spent = history.conversation_usage(&named).expect("usage");
    assert!(
        spent.input_tokens > 0 && spent.output_tokens > 0,
        "the naming request's tokens count: {spent:?}"
    );
    let days = history.daily_usage(0.0).expect("days");
    let naming: Vec<_> = days
        .iter()
        .filter(|d| d.model.as_deref() == Some("case:pydai-text-json"))
        .collect();
    assert_eq!(naming.len(), 1, "one day, one model: {days:?}");
    assert_eq!(naming[0].usage, spent);
    assert_eq!(naming[0].answers, 0, "naming is not an answer");
    assert_eq!(
        history.side_request_usage(&named).expect("side requests"),
        vec![("case:pydai-text-json".to_owned(), spent)],
        "priced with its own model"
    );

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
    assert_eq!(
        history.conversation_usage(&failed).expect("usage"),
        halley_core::history::Usage::default(),
        "a failed naming request cost nothing"
    );

    // A server that repeats its input gives the first words back: no change.
    let echoed = ask("just echo this");
    let got = chat::name_conversation(&history, &client, &endpoint, &echoed, "echo")
        .await
        .expect("runs");
    assert_eq!(got, None);
    assert_eq!(title(&echoed), "just echo this");
}
