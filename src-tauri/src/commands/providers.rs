//! Providers and their keys. A key travels UI → backend once, into the
//! keyring; only `has_key` and the last 4 characters ever come back.

use halley_core::provider_keys::{self, ProviderChange};
use halley_core::providers::{self, CleartextConsent, Provider};
use halley_core::redact::Secrets;
use halley_responses::{Endpoint, RetryPolicy, StreamOptions};
use tauri::State;

use super::blocking::with_state;
use crate::error::{ErrorCode, IpcError, IpcResult};
use crate::ipc_types::{EnvKeyOffer, KeyringStatus, ProviderInput, ProviderTest, ProviderView};
use crate::state::AppState;

fn view(state: &AppState, provider: Provider, active: Option<&str>) -> IpcResult<ProviderView> {
    let status = state.keys.status(&provider.id)?;
    Ok(ProviderView {
        active: active == Some(provider.id.as_str()),
        id: provider.id,
        name: provider.name,
        kind: provider.kind,
        base_url: provider.base_url,
        has_key: status.has_key,
        key_last4: status.last4,
    })
}

/// The active provider's endpoint (base URL + key), or a `no_provider` error
/// the UI answers with the setup screen.
pub fn active_endpoint(state: &AppState) -> IpcResult<(Provider, Endpoint)> {
    let provider = state.history.active_provider()?.ok_or_else(|| {
        IpcError::new(
            ErrorCode::NoProvider,
            "Add a provider and its API key in Settings first.",
        )
    })?;
    let endpoint = endpoint_for(state, &provider)?;
    Ok((provider, endpoint))
}

fn endpoint_for(state: &AppState, provider: &Provider) -> IpcResult<Endpoint> {
    let key = state.keys.get(&provider.id)?.ok_or_else(|| {
        IpcError::new(
            ErrorCode::NoProvider,
            format!("No API key is set for {}.", provider.name),
        )
    })?;
    Ok(Endpoint::new(provider.base_url.clone(), key))
}

/// The endpoint of the provider `id` (its URL and stored key).
pub fn endpoint_of(state: &AppState, id: &str) -> IpcResult<Endpoint> {
    let provider = state
        .history
        .list_providers()?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or_else(|| IpcError::new(ErrorCode::NotFound, "no such provider"))?;
    endpoint_for(state, &provider)
}

/// Scrubs the endpoint's key from an error a gateway caused: an error body
/// may echo the key it was sent. Every command that reports a gateway's
/// error goes through this.
pub fn scrubbed(endpoint: &Endpoint) -> impl Fn(IpcError) -> IpcError {
    let secrets = Secrets::of_endpoint(endpoint);
    move |mut error| {
        secrets.scrub_in_place(&mut error.message);
        error
    }
}

#[tauri::command]
pub fn keyring_status(state: State<'_, AppState>) -> KeyringStatus {
    state.keyring.clone()
}

#[tauri::command]
pub async fn list_providers(state: State<'_, AppState>) -> IpcResult<Vec<ProviderView>> {
    with_state(&state, |state| {
        let active = state.history.active_provider_id()?;
        state
            .history
            .list_providers()?
            .into_iter()
            .map(|p| view(state, p, active.as_deref()))
            .collect()
    })
    .await
}

#[tauri::command]
pub async fn save_provider(
    state: State<'_, AppState>,
    input: ProviderInput,
) -> IpcResult<ProviderView> {
    with_state(&state, move |state| save(state, input)).await
}

fn save(state: &AppState, input: ProviderInput) -> IpcResult<ProviderView> {
    let provider = provider_keys::save_provider(
        &state.history,
        state.keys.as_ref(),
        ProviderChange {
            id: input.id,
            name: input.name,
            kind: input.kind,
            base_url: input.base_url,
            api_key: input.api_key,
            cleartext: if input.allow_cleartext_http {
                CleartextConsent::Given
            } else {
                CleartextConsent::NotGiven
            },
        },
    )?;
    // The first provider becomes the active one: a new user has nothing to pick.
    if state.history.active_provider_id()?.is_none() {
        state.history.set_active_provider(&provider.id)?;
    }
    *state
        .models
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    let active = state.history.active_provider_id()?;
    if active.as_deref() == Some(provider.id.as_str()) {
        let model = state.history.settings()?.settings.model;
        super::capabilities::probe_if_due(state, &provider.id, &model);
    }
    view(state, provider, active.as_deref())
}

#[tauri::command]
pub async fn delete_provider(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    with_state(&state, move |state| {
        state.keys.delete(&id)?;
        state.history.delete_provider(&id)?;
        Ok(())
    })
    .await
}

#[tauri::command]
pub async fn set_active_provider(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    with_state(&state, move |state| {
        state.history.set_active_provider(&id)?;
        *state
            .models
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
        Ok(())
    })
    .await
}

/// Checks a provider's URL and key: `GET /models`, and where a server has
/// no model list (some gateways serve the Responses API without it), one
/// small `POST /responses` with `model`, so such a server is not told to
/// "check the base URL".
#[tauri::command]
pub async fn test_provider(
    state: State<'_, AppState>,
    id: String,
    model: String,
) -> IpcResult<ProviderTest> {
    let endpoint = with_state(&state, move |state| endpoint_of(state, &id)).await?;
    // One attempt: "Test" reports how things are now, and a dead address
    // should say so at once rather than after seconds of backoff.
    let once = StreamOptions {
        retry: RetryPolicy::none(),
        ..StreamOptions::default()
    };
    let failed = |error: &halley_responses::Error| ProviderTest {
        ok: false,
        model_count: 0,
        lists_models: false,
        error: Some(scrubbed(&endpoint)(explain(error, &model))),
    };
    let listed = state.client.list_models_with(&endpoint, &once).await;
    Ok(match listed {
        Ok(models) => ProviderTest {
            ok: true,
            model_count: u32::try_from(models.len()).unwrap_or(u32::MAX),
            lists_models: true,
            error: None,
        },
        Err(error) if matches!(error.http_status(), Some(404 | 405)) => {
            let mut request =
                halley_responses::CreateResponse::new(model.as_str(), "Reply with OK.");
            request.max_output_tokens = halley_responses::Nullable::Value(16);
            request.store = halley_responses::Nullable::Value(false);
            match state.client.create_with(&endpoint, &request, &once).await {
                Ok(_) => ProviderTest {
                    ok: true,
                    model_count: 0,
                    lists_models: false,
                    error: None,
                },
                Err(error) => failed(&error),
            }
        }
        Err(error) => failed(&error),
    })
}

/// A test failure in words a non-developer can act on, by what kind of
/// refusal it is (whatever shape the server's error had).
fn explain(error: &halley_responses::Error, model: &str) -> IpcError {
    use halley_responses::ErrorKind;
    let kind = error.reading().map(|r| r.kind);
    let hint = match (error, error.http_status(), kind) {
        (_, Some(401 | 403), _) | (_, _, Some(ErrorKind::BadKey | ErrorKind::NoAccess)) => {
            "The key was refused. Check that you pasted the whole key for this provider.".to_owned()
        }
        (_, _, Some(ErrorKind::ModelNotFound)) => format!(
            "The address and key work, but this provider does not serve the model {model}. Pick another model."
        ),
        (_, Some(404), _) | (_, _, Some(ErrorKind::NotFound)) => {
            "Nothing answers at this address. Check the base URL (it usually ends in /v1).".to_owned()
        }
        (_, _, Some(ErrorKind::RateLimited | ErrorKind::Overloaded)) => {
            "The provider is busy right now. Try again in a moment.".to_owned()
        }
        (_, _, Some(ErrorKind::QuotaExceeded)) => {
            "The account has no credit left at this provider.".to_owned()
        }
        (halley_responses::Error::Network { .. }, _, _) => {
            "Could not reach the provider. Check the base URL and your network.".to_owned()
        }
        _ => "The provider answered with an error.".to_owned(),
    };
    IpcError::new(ErrorCode::Api, format!("{hint} ({})", error.detail()))
}

#[tauri::command]
pub fn env_key_offers() -> Vec<EnvKeyOffer> {
    providers::env_proposals()
        .into_iter()
        .map(|p| EnvKeyOffer {
            variable: p.key_variable,
            kind: p.kind,
            base_url: p.base_url,
            key_last4: p.last4.unwrap_or_default(),
        })
        .collect()
}

#[tauri::command]
pub async fn import_env_key(
    state: State<'_, AppState>,
    variable: String,
) -> IpcResult<ProviderView> {
    with_state(&state, move |state| import(state, &variable)).await
}

fn import(state: &AppState, variable: &str) -> IpcResult<ProviderView> {
    let proposal = providers::env_proposals()
        .into_iter()
        .find(|p| p.key_variable == variable)
        .ok_or_else(|| IpcError::new(ErrorCode::NotFound, format!("{variable} is not set")))?;
    let key = proposal
        .key()
        .ok_or_else(|| IpcError::new(ErrorCode::NotFound, format!("{variable} is empty")))?;
    let provider =
        state
            .history
            .add_provider(&proposal.name, proposal.kind, Some(&proposal.base_url))?;
    state.keys.set(&provider.id, &key)?;
    if state.history.active_provider_id()?.is_none() {
        state.history.set_active_provider(&provider.id)?;
    }
    let active = state.history.active_provider_id()?;
    if active.as_deref() == Some(provider.id.as_str()) {
        let model = state.history.settings()?.settings.model;
        super::capabilities::probe_if_due(state, &provider.id, &model);
    }
    view(state, provider, active.as_deref())
}

/// Model ids of the active provider, cached until the provider changes.
#[tauri::command]
pub async fn list_models(state: State<'_, AppState>, refresh: bool) -> IpcResult<Vec<String>> {
    let (provider, endpoint) = with_state(&state, active_endpoint).await?;
    if !refresh {
        let cached = state
            .models
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        if let Some((id, models)) = cached {
            if id == provider.id {
                return Ok(models);
            }
        }
    }
    let mut models: Vec<String> = state
        .client
        .list_models(&endpoint)
        .await
        .map_err(|e| scrubbed(&endpoint)(e.into()))?
        .into_iter()
        .map(|m| m.id)
        .collect();
    models.sort();
    *state
        .models
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some((provider.id, models.clone()));
    Ok(models)
}
