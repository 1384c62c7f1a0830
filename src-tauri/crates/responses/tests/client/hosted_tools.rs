//! The hosted tools of halley-mock's echo (file search over uploaded files,
//! code interpreter, image generation) read by the typed client: streams
//! fold into the typed items with the fields a UI shows, partial images
//! come out of the fold in order, and a failed image ends the response as
//! failed.

use std::time::Duration;

use futures_util::StreamExt;
use halley_responses::client::Polling;
use halley_responses::files::{CreateVectorStore, FilePurpose, Upload};
use halley_responses::request::{CodeInterpreterTool, FileSearchTool};
use halley_responses::{
    Accumulator, Annotation, Client, ContentPart, CreateResponse, Endpoint, Error, FoldUpdate,
    Nullable, OutputItem, Response, SecretString, StreamOptions, Tool,
};
use serde_json::json;
use tokio_util::sync::CancellationToken;

async fn mock() -> (halley_mock::RunningServer, Endpoint) {
    let server = halley_mock::serve(halley_mock::Config {
        delta_delay: Duration::ZERO,
        ..halley_mock::Config::default()
    })
    .await
    .expect("mock starts");
    let ep = Endpoint::new(server.base_url(), SecretString::new("sk-test-hosted"));
    (server, ep)
}

fn request(text: &str, tool: Tool, include: &[&str]) -> CreateResponse {
    let mut request = CreateResponse::new("echo", text);
    request.tools = Nullable::Value(vec![tool]);
    request.include = Nullable::Value(include.iter().map(|s| (*s).to_owned()).collect());
    request
}

/// Streams the request and folds it: every update, and the outcome.
async fn fold(
    client: &Client,
    ep: &Endpoint,
    request: &CreateResponse,
) -> (Vec<FoldUpdate>, Result<Response, Error>) {
    let mut stream = client
        .create_stream(ep, request, StreamOptions::default())
        .await
        .expect("the stream opens");
    let mut fold = Accumulator::new();
    let mut updates = Vec::new();
    while let Some(event) = stream.next().await {
        updates.extend(fold.apply(&event.expect("an event")));
    }
    (updates, fold.finish())
}

fn message_text(item: &OutputItem) -> (&str, &[Annotation]) {
    let OutputItem::Message(message) = item else {
        panic!("a message, not {item:?}");
    };
    match message.content.first() {
        Some(ContentPart::OutputText(text)) => (
            text.text.as_str(),
            text.annotations.get().map_or(&[], Vec::as_slice),
        ),
        other => panic!("output text, not {other:?}"),
    }
}

#[tokio::test]
async fn file_search_quotes_the_indexed_file_and_cites_it() {
    let (_server, ep) = mock().await;
    let client = Client::new().expect("client");
    let cancel = CancellationToken::new();
    let text = "Opening hours are nine to five.\n\nRefunds are paid within fourteen days.";
    let file = client
        .upload_file(
            &ep,
            &Upload {
                filename: "policy.txt".into(),
                mime: "text/plain".into(),
                bytes: text.as_bytes().to_vec().into(),
                purpose: FilePurpose::Assistants,
            },
            None,
            &cancel,
        )
        .await
        .expect("uploaded");
    let store = client
        .create_vector_store(&ep, &CreateVectorStore::default())
        .await
        .expect("a store");
    client
        .add_vector_store_file(&ep, &store.id, &file.id)
        .await
        .expect("added");
    let quick = Polling {
        interval: Duration::from_millis(5),
        limit: Duration::from_secs(5),
    };
    client
        .wait_for_indexing(&ep, &store.id, &file.id, quick, &cancel, |_| {})
        .await
        .expect("indexed");
    let tool = Tool::FileSearch(FileSearchTool {
        vector_store_ids: vec![store.id.clone()],
        ..FileSearchTool::default()
    });
    let (updates, outcome) = fold(
        &client,
        &ep,
        &request(
            "When are refunds paid?",
            tool.clone(),
            &["file_search_call.results"],
        ),
    )
    .await;
    let response = outcome.expect("completed");
    let [OutputItem::FileSearchCall(call), message] = response.output() else {
        panic!("a file search and a message: {:?}", response.output());
    };
    assert_eq!(call.status.as_str(), Some("completed"));
    assert_eq!(
        call.queries.get().map(Vec::as_slice),
        Some(&["When are refunds paid?".to_owned()][..])
    );
    let results = call.results.get().expect("results were included");
    assert_eq!(results[0]["file_id"], json!(file.id));
    assert_eq!(results[0]["text"], "Refunds are paid within fourteen days.");
    let (said, annotations) = message_text(message);
    let [Annotation::FileCitation(citation)] = annotations else {
        panic!("one file citation: {annotations:?}");
    };
    assert_eq!(citation.file_id, file.id);
    assert_eq!(citation.filename.as_str(), Some("policy.txt"));
    assert!(
        said.contains("\"Refunds are paid within fourteen days.\""),
        "{said}"
    );
    let index = citation.index.get().copied().expect("an index") as usize;
    assert_eq!(
        said.chars().nth(index),
        Some('.'),
        "at the cited sentence's end"
    );
    assert!(
        updates.iter().any(|u| matches!(
            u,
            FoldUpdate::Annotation {
                annotation: Annotation::FileCitation(_),
                ..
            }
        )),
        "the citation streams as an update"
    );

    // Without `include`, the call has no results; the answer still cites.
    let plain = client
        .create(&ep, &request("refunds", tool, &[]))
        .await
        .expect("answered");
    let OutputItem::FileSearchCall(call) = &plain.output()[0] else {
        panic!("a file search first");
    };
    assert_eq!(
        call.results,
        Nullable::Null,
        "results are null unless included"
    );
    let missing = Tool::FileSearch(FileSearchTool {
        vector_store_ids: vec!["vs_missing".into()],
        ..FileSearchTool::default()
    });
    let refused = client
        .create(&ep, &request("refunds", missing, &[]))
        .await
        .expect_err("an unknown store");
    assert_eq!(refused.http_status(), Some(404));
    assert!(
        refused.detail().contains("vs_missing"),
        "{}",
        refused.detail()
    );
}

#[tokio::test]
async fn code_interpreter_outputs_and_its_csv_download() {
    let (_server, ep) = mock().await;
    let client = Client::new().expect("client");
    let tool = Tool::CodeInterpreter(CodeInterpreterTool {
        container: Nullable::Value(json!({"type": "auto"})),
        ..CodeInterpreterTool::default()
    });
    let (updates, outcome) = fold(
        &client,
        &ep,
        &request("chart my sales", tool, &["code_interpreter_call.outputs"]),
    )
    .await;
    let response = outcome.expect("completed");
    let [OutputItem::CodeInterpreterCall(call), message] = response.output() else {
        panic!(
            "a code interpreter call and a message: {:?}",
            response.output()
        );
    };
    let streamed: String = updates
        .iter()
        .filter_map(|u| match u {
            FoldUpdate::CodeDelta { delta, .. } => Some(delta.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        call.code.as_str(),
        Some(streamed.as_str()),
        "the code streamed whole"
    );
    let container = call.container_id.as_str().expect("a container");
    assert!(container.starts_with("cntr_"), "{container}");
    let outputs = call.outputs.get().expect("outputs were included");
    assert_eq!(outputs[0]["type"], "logs");
    assert_eq!(outputs[1]["type"], "image");
    assert!(outputs[1]["url"]
        .as_str()
        .is_some_and(|url| url.starts_with("data:image/png;base64,iVBORw0KGgo")));
    let (_, annotations) = message_text(message);
    let data = annotations
        .iter()
        .find_map(|a| match a {
            Annotation::ContainerFileCitation(c) if c.filename.as_str() == Some("data.csv") => {
                Some(c)
            }
            _ => None,
        })
        .expect("the CSV is cited");
    assert_eq!(data.container_id, container);
    let csv = client
        .container_file_content(&ep, &data.container_id, &data.file_id)
        .await
        .expect("the CSV downloads");
    let csv = String::from_utf8(csv.to_vec()).expect("text");
    assert!(
        csv.starts_with("month,sales\n") && csv.lines().count() == 7,
        "{csv}"
    );

    // The stored response is the folded one.
    let id = response.id.as_str().expect("an id");
    let stored = client.retrieve(&ep, id).await.expect("stored");
    assert_eq!(stored.output(), response.output());
}

#[tokio::test]
async fn image_generation_partials_fold_in_order_then_the_result() {
    let (_server, ep) = mock().await;
    let client = Client::new().expect("client");
    let tool = Tool::Other(json!({"type": "image_generation", "partial_images": 2}));
    let (updates, outcome) = fold(&client, &ep, &request("a red kite", tool.clone(), &[])).await;
    let partials: Vec<(u32, &str)> = updates
        .iter()
        .filter_map(|u| match u {
            FoldUpdate::PartialImage {
                index, image_b64, ..
            } => Some((*index, image_b64.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(
        partials.iter().map(|p| p.0).collect::<Vec<_>>(),
        [0, 1],
        "two partials, in order"
    );
    assert_ne!(partials[0].1, partials[1].1, "each partial differs");
    let response = outcome.expect("completed");
    let OutputItem::ImageGenerationCall(call) = &response.output()[0] else {
        panic!("an image call first: {:?}", response.output());
    };
    assert_eq!(call.status.as_str(), Some("completed"));
    let result = call.result.as_str().expect("a result");
    assert!(result.starts_with("iVBORw0KGgo"), "a base64 PNG");
    assert!(
        partials.iter().all(|(_, p)| *p != result),
        "the final is finer"
    );
    assert!(call
        .revised_prompt
        .as_str()
        .is_some_and(|p| p.contains("a red kite")));
    assert_eq!(call.extra["size"], "1024x1024", "auto says what it became");

    let (updates, outcome) = fold(&client, &ep, &request("fail image now", tool, &[])).await;
    let partial_count = updates
        .iter()
        .filter(|u| matches!(u, FoldUpdate::PartialImage { .. }))
        .count();
    assert_eq!(partial_count, 1, "it fails after the first partial");
    match outcome {
        Err(Error::ResponseFailed { code, response, .. }) => {
            assert_eq!(code.as_deref(), Some("server_error"));
            let OutputItem::ImageGenerationCall(call) = &response.output()[0] else {
                panic!("the failed call is kept");
            };
            assert_eq!(call.status.as_str(), Some("failed"));
            assert_eq!(call.result, Nullable::Null);
        }
        other => panic!("a failed response, not {other:?}"),
    }
}
