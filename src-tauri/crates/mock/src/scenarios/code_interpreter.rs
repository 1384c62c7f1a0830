//! The echo's `code_interpreter`: a call whose code charts the mock's sales
//! data, with its logs and the chart as outputs (when `include` asks for
//! them), and an answer linking the two files the container holds.

use base64::Engine as _;
use serde_json::{json, Value};

use super::lifecycle::Item;
use super::said::Said;
use crate::create_request::CreateRequest;
use crate::files::{container_files, sales_chart, EXPIRED_CONTAINER, SALES};

/// User text that asks for the expired container (its files are gone).
pub(crate) const EXPIRED_TRIGGER: &str = "expired container";

/// What the code "ran": it is never run, but it is what would make the
/// container's two files.
const CODE: &str = "import csv\nimport matplotlib.pyplot as plt\n\n\
rows = list(csv.reader(open('/mnt/data/data.csv')))[1:]\n\
months = [m for m, _ in rows]\nsales = [int(s) for _, s in rows]\n\n\
plt.bar(months, sales)\nplt.title('Sales by month')\n\
plt.savefig('/mnt/data/chart.png')\nprint(f'{len(rows)} months, {sum(sales)} sales in all')\n";

/// The container a response's call runs in: the tool's own when it names
/// one, `cntr_expired` when the user asks for it, else one made for this
/// response (from its id, so the call and the answer agree).
fn container_id(request: &CreateRequest, response_id: &str) -> String {
    if request.user_text.to_lowercase().contains(EXPIRED_TRIGGER) {
        return EXPIRED_CONTAINER.to_owned();
    }
    if let Some(given) = request
        .code_interpreter
        .as_ref()
        .and_then(|tool| tool.container_id.clone())
    {
        return given;
    }
    let unique = response_id.strip_prefix("resp_").unwrap_or(response_id);
    format!("cntr_{unique}")
}

/// The `code_interpreter_call` item and the answer's paragraph.
pub(crate) fn answer(request: &CreateRequest, response_id: &str) -> (Item, Said) {
    let container_id = container_id(request, response_id);
    let total: u32 = SALES.iter().map(|(_, sales)| sales).sum();
    let logs = format!("{} months, {total} sales in all\n", SALES.len());
    let outputs = request.includes("code_interpreter_call.outputs").then(|| {
        let png = base64::engine::general_purpose::STANDARD.encode(sales_chart());
        vec![
            json!({"type": "logs", "logs": logs}),
            json!({"type": "image", "url": format!("data:image/png;base64,{png}")}),
        ]
    });
    let item = Item::CodeInterpreter {
        container_id: container_id.clone(),
        code: CODE.to_owned(),
        outputs,
    };
    let mut text = String::from("Here is the chart of sales by month.");
    let mut annotations: Vec<Value> = Vec::new();
    for (file, label) in container_files()
        .iter()
        .zip(["Download the chart", "Download the data"])
    {
        // The citation covers the link's target, as the API's does.
        text.push_str(&format!(" [{label}]("));
        let start = text.chars().count();
        text.push_str(&format!("sandbox:{}", file.path));
        let end = text.chars().count();
        text.push(')');
        annotations.push(json!({"type": "container_file_citation",
            "container_id": container_id, "end_index": end, "file_id": file.id,
            "filename": file.filename(), "start_index": start}));
    }
    (item, Said::new(text, annotations))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(text: &str, include: bool) -> CreateRequest {
        let include: Vec<&str> = if include {
            vec!["code_interpreter_call.outputs"]
        } else {
            vec![]
        };
        CreateRequest::parse(json!({"model": "echo", "input": text, "include": include,
            "tools": [{"type": "code_interpreter", "container": {"type": "auto"}}]}))
        .expect("a request")
    }

    #[test]
    fn the_answer_links_both_files_where_its_citations_say() {
        let (item, said) = answer(&request("chart it", true), "resp_abc");
        let Item::CodeInterpreter {
            container_id,
            outputs,
            ..
        } = item
        else {
            panic!("a code interpreter call");
        };
        assert_eq!(container_id, "cntr_abc", "one container per response");
        let outputs = outputs.expect("outputs were included");
        assert_eq!(outputs[0]["type"], "logs");
        assert!(outputs[1]["url"]
            .as_str()
            .is_some_and(|url| url.starts_with("data:image/png;base64,iVBOR")));
        let cited: Vec<String> = said
            .annotations
            .iter()
            .map(|a| {
                let start = a["start_index"].as_u64().unwrap_or(0) as usize;
                let end = a["end_index"].as_u64().unwrap_or(0) as usize;
                said.text.chars().skip(start).take(end - start).collect()
            })
            .collect();
        assert_eq!(
            cited,
            ["sandbox:/mnt/data/chart.png", "sandbox:/mnt/data/data.csv"]
        );
        assert_eq!(said.annotations[1]["filename"], "data.csv");
    }

    #[test]
    fn outputs_need_include_and_the_expired_container_is_asked_for_in_words() {
        let (item, said) = answer(&request("use the Expired container", false), "resp_abc");
        assert!(matches!(
            item,
            Item::CodeInterpreter { ref container_id, outputs: None, .. } if container_id == EXPIRED_CONTAINER
        ));
        assert_eq!(said.annotations[0]["container_id"], EXPIRED_CONTAINER);
    }
}
