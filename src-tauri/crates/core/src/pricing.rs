//! What an answer cost: tokens times a price per model. Halley ships the
//! list prices of common OpenAI models for the OpenAI provider; every other
//! provider (CometAPI and other gateways price differently) starts with
//! none, and the user adds what they pay in Settings. A model with no price
//! shows its tokens only — never a made-up figure.
//!
//! Prices are whole micro-dollars per million tokens (`$0.075` per 1M is
//! 75 000), so a stored table is exact, comparable and free of NaN.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use std::collections::BTreeMap;

use crate::history::{DailyUsage, History, Usage};
use crate::providers::ProviderKind;
use crate::Error;

/// One model's price at one provider, in micro-dollars per 1M tokens.
/// Reasoning tokens are output tokens (the API bills them so); cached input
/// is the part of the input served from the provider's cache.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "ModelPrice.ts")]
pub struct ModelPrice {
    pub provider_id: String,
    pub model: String,
    #[ts(type = "number")]
    pub input: u64,
    /// `None`: cached input costs what input costs.
    #[ts(type = "number | null")]
    pub cached_input: Option<u64>,
    #[ts(type = "number")]
    pub output: u64,
}

/// The largest price taken, $100 000 per 1M tokens: anything above is a
/// typo (a misplaced decimal point), refused with the row named.
pub const MAX_PRICE: u64 = 100_000 * 1_000_000;

/// List prices (USD per 1M tokens: input, cached input, output) of OpenAI
/// models, for the OpenAI provider only. From OpenAI's pricing page as of
/// 2025; the user's own row for a model replaces its list price.
const OPENAI_LIST_PRICES: &[(&str, f64, f64, f64)] = &[
    ("gpt-5", 1.25, 0.125, 10.0),
    ("gpt-5-mini", 0.25, 0.025, 2.0),
    ("gpt-5-nano", 0.05, 0.005, 0.4),
    ("gpt-4.1", 2.0, 0.5, 8.0),
    ("gpt-4.1-mini", 0.4, 0.1, 1.6),
    ("gpt-4.1-nano", 0.1, 0.025, 0.4),
    ("gpt-4o", 2.5, 1.25, 10.0),
    ("gpt-4o-mini", 0.15, 0.075, 0.6),
    ("o3", 2.0, 0.5, 8.0),
    ("o4-mini", 1.1, 0.275, 4.4),
    ("o3-mini", 1.1, 0.55, 4.4),
    ("o1", 15.0, 7.5, 60.0),
];

fn micros(dollars: f64) -> u64 {
    // The table above is small, positive and written by hand.
    (dollars * 1_000_000.0).round() as u64
}

/// The shipped list prices a provider of `kind` starts with.
pub fn list_prices(kind: ProviderKind, provider_id: &str) -> Vec<ModelPrice> {
    match kind {
        ProviderKind::Openai => OPENAI_LIST_PRICES
            .iter()
            .map(|&(model, input, cached, output)| ModelPrice {
                provider_id: provider_id.to_owned(),
                model: model.to_owned(),
                input: micros(input),
                cached_input: Some(micros(cached)),
                output: micros(output),
            })
            .collect(),
        ProviderKind::Cometapi | ProviderKind::Custom => Vec::new(),
    }
}

/// Checks the user's rows: a model name, prices within [`MAX_PRICE`], one
/// row per provider and model. The error names the row.
pub fn check(prices: &[ModelPrice]) -> Result<(), Error> {
    for (i, price) in prices.iter().enumerate() {
        let row = format!("price row {} ({})", i + 1, price.model.trim());
        if price.model.trim().is_empty() {
            return Err(Error::InvalidInput(format!(
                "price row {} has no model name",
                i + 1
            )));
        }
        let too_high = [Some(price.input), price.cached_input, Some(price.output)]
            .into_iter()
            .flatten()
            .any(|p| p > MAX_PRICE);
        if too_high {
            return Err(Error::InvalidInput(format!(
                "{row}: a price over $100,000 per million tokens is surely a typo"
            )));
        }
        if prices[..i]
            .iter()
            .any(|p| p.provider_id == price.provider_id && p.model.trim() == price.model.trim())
        {
            return Err(Error::InvalidInput(format!("{row} is listed twice")));
        }
    }
    Ok(())
}

/// Whether `model` is `base` or a dated or numbered snapshot of it
/// (`gpt-4o-2024-08-06`, `o3-mini-0131`), not another model whose name
/// merely starts the same (`gpt-4o-mini` is not `gpt-4o`).
fn is_snapshot_of(model: &str, base: &str) -> bool {
    match model.strip_prefix(base) {
        Some("") => true,
        Some(rest) => rest.strip_prefix('-').is_some_and(|tail| {
            !tail.is_empty() && tail.chars().all(|c| c.is_ascii_digit() || c == '-')
        }),
        None => false,
    }
}

/// The price of `model` at `provider_id`: the user's row first, then the
/// list price; an exact name before a snapshot's base name.
pub fn price_of<'a>(
    prices: &'a [ModelPrice],
    provider_id: &str,
    model: &str,
) -> Option<&'a ModelPrice> {
    let at_provider = || prices.iter().filter(|p| p.provider_id == provider_id);
    at_provider().find(|p| p.model == model).or_else(|| {
        at_provider()
            .filter(|p| is_snapshot_of(model, &p.model))
            .max_by_key(|p| p.model.len())
    })
}

/// What `usage` cost at `price`, in US dollars.
pub fn cost(usage: &Usage, price: &ModelPrice) -> f64 {
    let cached = u128::from(usage.cached_tokens.min(usage.input_tokens));
    let uncached = u128::from(usage.input_tokens) - cached;
    let cached_price = price.cached_input.unwrap_or(price.input);
    // Micro-dollars per 1M tokens × tokens: pico-dollars, exact in u128.
    let picos = uncached * u128::from(price.input)
        + cached * u128::from(cached_price)
        + u128::from(usage.output_tokens) * u128::from(price.output);
    picos as f64 / 1e12
}

/// The prices in effect: the user's rows, then each provider's list
/// prices for the models the user did not price.
pub fn effective(user: &[ModelPrice], providers: &[(String, ProviderKind)]) -> Vec<ModelPrice> {
    let mut prices = user.to_vec();
    for (id, kind) in providers {
        for listed in list_prices(*kind, id) {
            if !user
                .iter()
                .any(|p| p.provider_id == *id && p.model == listed.model)
            {
                prices.push(listed);
            }
        }
    }
    prices
}

/// The prices in effect now: the user's (from the settings) and the list
/// prices of the providers set up.
pub fn in_effect(history: &History) -> Result<Vec<ModelPrice>, Error> {
    let user = history.settings()?.settings.prices;
    let providers: Vec<(String, ProviderKind)> = history
        .list_providers()?
        .into_iter()
        .map(|p| (p.id, p.kind))
        .collect();
    Ok(effective(&user, &providers))
}

/// What an answer by `model` at `provider_id` cost, when both are known
/// and the model has a price.
pub fn answer_cost(
    prices: &[ModelPrice],
    provider_id: Option<&str>,
    model: Option<&str>,
    usage: &Usage,
) -> Option<f64> {
    price_of(prices, provider_id?, model?).map(|price| cost(usage, price))
}

/// Tokens and cost over a day or a month.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "UsagePeriod.ts")]
pub struct UsagePeriod {
    /// `YYYY-MM-DD` or `YYYY-MM`.
    pub period: String,
    pub usage: Usage,
    pub answers: u32,
    /// Of the answers with a price.
    pub cost_usd: f64,
    /// Answers whose model has no price: counted in the tokens, not the cost.
    pub unpriced_answers: u32,
}

/// Usage per day and per month, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "UsageReport.ts")]
pub struct UsageReport {
    pub days: Vec<UsagePeriod>,
    pub months: Vec<UsagePeriod>,
}

fn add(into: &mut UsagePeriod, row: &DailyUsage, cost: Option<f64>) {
    let u = &mut into.usage;
    u.input_tokens = u.input_tokens.saturating_add(row.usage.input_tokens);
    u.cached_tokens = u.cached_tokens.saturating_add(row.usage.cached_tokens);
    u.output_tokens = u.output_tokens.saturating_add(row.usage.output_tokens);
    u.reasoning_tokens = u
        .reasoning_tokens
        .saturating_add(row.usage.reasoning_tokens);
    into.answers = into.answers.saturating_add(row.answers);
    match cost {
        Some(cost) => into.cost_usd += cost,
        None => into.unpriced_answers = into.unpriced_answers.saturating_add(row.answers),
    }
}

/// Folds daily rows into days and months, priced with `prices`.
pub fn report(rows: &[DailyUsage], prices: &[ModelPrice]) -> UsageReport {
    let mut days: BTreeMap<String, UsagePeriod> = BTreeMap::new();
    let mut months: BTreeMap<String, UsagePeriod> = BTreeMap::new();
    let empty = |period: &str| UsagePeriod {
        period: period.to_owned(),
        usage: Usage::default(),
        answers: 0,
        cost_usd: 0.0,
        unpriced_answers: 0,
    };
    for row in rows {
        let cost = answer_cost(
            prices,
            row.provider_id.as_deref(),
            row.model.as_deref(),
            &row.usage,
        );
        let month = row.day.get(..7).unwrap_or(&row.day);
        add(
            days.entry(row.day.clone())
                .or_insert_with(|| empty(&row.day)),
            row,
            cost,
        );
        add(
            months
                .entry(month.to_owned())
                .or_insert_with(|| empty(month)),
            row,
            cost,
        );
    }
    UsageReport {
        days: days.into_values().rev().collect(),
        months: months.into_values().rev().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn price(model: &str, input: u64, cached: Option<u64>, output: u64) -> ModelPrice {
        ModelPrice {
            provider_id: "p".into(),
            model: model.into(),
            input,
            cached_input: cached,
            output,
        }
    }

    #[test]
    fn cached_input_is_priced_apart_and_reasoning_is_output() {
        // gpt-5-mini: $0.25 in, $0.025 cached, $2 out per 1M.
        let p = price("gpt-5-mini", 250_000, Some(25_000), 2_000_000);
        let usage = Usage {
            input_tokens: 1_000_000,
            cached_tokens: 400_000,
            output_tokens: 500_000,
            // Part of output_tokens: not billed twice.
            reasoning_tokens: 300_000,
        };
        let expected = 0.6 * 0.25 + 0.4 * 0.025 + 0.5 * 2.0;
        assert!(
            (cost(&usage, &p) - expected).abs() < 1e-12,
            "{}",
            cost(&usage, &p)
        );
        let no_cached_price = price("m", 250_000, None, 0);
        assert!((cost(&usage, &no_cached_price) - 0.25).abs() < 1e-12);
    }

    #[test]
    fn a_small_answer_costs_a_small_exact_amount() {
        let p = price("gpt-5-nano", 50_000, Some(5_000), 400_000);
        let usage = Usage {
            input_tokens: 11,
            cached_tokens: 0,
            output_tokens: 58,
            reasoning_tokens: 0,
        };
        assert!((cost(&usage, &p) - (11.0 * 0.05 + 58.0 * 0.4) / 1e6).abs() < 1e-15);
    }

    #[test]
    fn snapshots_take_their_base_price_but_other_models_do_not() {
        let prices = [
            price("gpt-4o", 1, None, 1),
            price("gpt-4o-mini", 2, None, 2),
            price("o3", 3, None, 3),
        ];
        let of = |m: &str| price_of(&prices, "p", m).map(|p| p.model.as_str());
        assert_eq!(of("gpt-4o-2024-08-06"), Some("gpt-4o"));
        assert_eq!(of("gpt-4o-mini-2024-07-18"), Some("gpt-4o-mini"));
        assert_eq!(of("o3-mini"), None, "o3-mini is not a snapshot of o3");
        assert_eq!(of("gpt-4o-audio-preview"), None);
        assert_eq!(
            price_of(&prices, "other", "gpt-4o"),
            None,
            "prices are per provider"
        );
    }

    #[test]
    fn the_users_row_replaces_the_list_price_and_gateways_start_empty() {
        let user = [price("gpt-5", 1, None, 1)];
        let all = effective(
            &[ModelPrice {
                provider_id: "oa".into(),
                ..user[0].clone()
            }],
            &[
                ("oa".into(), ProviderKind::Openai),
                ("gw".into(), ProviderKind::Cometapi),
            ],
        );
        assert_eq!(price_of(&all, "oa", "gpt-5").map(|p| p.input), Some(1));
        assert_eq!(
            price_of(&all, "oa", "gpt-5-mini").map(|p| p.input),
            Some(250_000)
        );
        assert_eq!(
            price_of(&all, "gw", "gpt-5"),
            None,
            "a gateway's prices are the user's to give"
        );
    }

    #[test]
    fn a_typo_in_the_table_is_refused_with_its_row() {
        assert!(check(&[price("gpt-5", 1_250_000, None, 10_000_000)]).is_ok());
        let error = check(&[price("gpt-5", 1, None, 1), price(" ", 1, None, 1)])
            .expect_err("no name")
            .to_string();
        assert!(error.contains("row 2"), "{error}");
        let error = check(&[price("gpt-5", MAX_PRICE + 1, None, 1)])
            .expect_err("too high")
            .to_string();
        assert!(error.contains("typo"), "{error}");
        let error = check(&[price("gpt-5", 1, None, 1), price("gpt-5", 2, None, 2)])
            .expect_err("twice")
            .to_string();
        assert!(error.contains("twice"), "{error}");
    }

    #[test]
    fn the_report_prices_what_it_can_and_counts_the_rest() {
        let prices = [price("gpt-5-mini", 250_000, Some(25_000), 2_000_000)];
        let row = |day: &str, model: &str, output: u32| DailyUsage {
            day: day.into(),
            provider_id: Some("p".into()),
            model: Some(model.into()),
            usage: Usage {
                input_tokens: 0,
                cached_tokens: 0,
                output_tokens: output,
                reasoning_tokens: 0,
            },
            answers: 1,
        };
        let report = report(
            &[
                row("2026-11-30", "gpt-5-mini", 1_000_000),
                row("2026-12-01", "gpt-5-mini", 500_000),
                row("2026-12-01", "unknown-model", 7),
            ],
            &prices,
        );
        assert_eq!(
            report
                .days
                .iter()
                .map(|d| d.period.as_str())
                .collect::<Vec<_>>(),
            ["2026-12-01", "2026-11-30"],
            "newest first"
        );
        let today = &report.days[0];
        assert_eq!((today.answers, today.unpriced_answers), (2, 1));
        assert!((today.cost_usd - 1.0).abs() < 1e-12);
        assert_eq!(today.usage.output_tokens, 500_007, "every token counted");
        assert_eq!(report.months.len(), 2);
        assert!((report.months[1].cost_usd - 2.0).abs() < 1e-12, "November");
    }
}
