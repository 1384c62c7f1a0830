//! Plausible, deterministic logprobs for echoed text, so clients can show
//! token probabilities without a real model: the same token always gets the
//! same numbers, and the alternatives are less likely than the token chosen.

use serde_json::{json, Value};

/// `{token, logprob, bytes, top_logprobs}` for one token, with `top`
/// alternatives (the chosen token first, as the API lists them).
pub(crate) fn token_logprob(token: &str, top: usize) -> Value {
    let logprob = chosen_logprob(token);
    let alternatives: Vec<Value> = (0..top)
        .map(|rank| {
            if rank == 0 {
                entry(token, logprob)
            } else {
                // Each further alternative is about e^-1.5 less likely.
                let text = alternative(token, rank);
                entry(&text, logprob - 1.5 * rank as f64 - 0.5)
            }
        })
        .collect();
    let mut value = entry(token, logprob);
    value["top_logprobs"] = Value::Array(alternatives);
    value
}

fn entry(token: &str, logprob: f64) -> Value {
    json!({"token": token, "logprob": logprob, "bytes": token.as_bytes()})
}

/// Between 0 and -3 (probability 1 down to about 0.05), spread by the
/// token's characters so a text gets a mix of confident and unsure tokens.
fn chosen_logprob(token: &str) -> f64 {
    let spread = token.chars().map(u32::from).sum::<u32>() % 31;
    -f64::from(spread) / 10.0
}

fn alternative(token: &str, rank: usize) -> String {
    match rank % 3 {
        1 => token.to_uppercase(),
        2 => token.chars().rev().collect(),
        _ => format!("{token}{rank}"),
    }
}

#[cfg(test)]
mod tests {
    use super::token_logprob;

    #[test]
    fn the_chosen_token_is_listed_first_and_is_the_most_likely() {
        let value = token_logprob("Hell", 3);
        assert_eq!(value["token"], "Hell");
        assert_eq!(
            value["bytes"].as_array().map(Vec::len),
            Some(4),
            "one byte per ASCII char"
        );
        let top = value["top_logprobs"].as_array().expect("alternatives");
        assert_eq!(top.len(), 3, "as many alternatives as top_logprobs asks");
        assert_eq!(
            top[0]["token"], "Hell",
            "the API lists the chosen token first"
        );
        let chosen = value["logprob"].as_f64().expect("a number");
        assert!(
            (-3.0..=0.0).contains(&chosen),
            "a log probability: {chosen}"
        );
        for alt in &top[1..] {
            let lp = alt["logprob"].as_f64().expect("a number");
            assert!(
                lp < chosen,
                "alternatives are less likely than the chosen token"
            );
        }
    }
}
