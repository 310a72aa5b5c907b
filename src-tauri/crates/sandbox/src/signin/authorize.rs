//! `GET/POST /{tenant}/oauth2/v2.0/authorize`: validates the request, shows a plain HTML account
//! picker (no JavaScript; each account a submit button posting back here) or, with
//! `auto_approve`, redirects at once; issues a single-use code bound to the PKCE challenge.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use serde::Deserialize;

use super::{escape, redirect_allowed, tenant_matches};
use crate::seed::{ACCOUNTS, DEFAULT_ACCOUNT};
use crate::state::Shared;
use crate::tokens::CodeGrant;

#[derive(Clone, Debug, Default, Deserialize)]
pub(crate) struct AuthorizeParams {
    client_id: Option<String>,
    response_type: Option<String>,
    redirect_uri: Option<String>,
    scope: Option<String>,
    state: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    login_hint: Option<String>,
    prompt: Option<String>,
    nonce: Option<String>,
    /// POST only: the account button pressed (a UPN).
    account: Option<String>,
}

pub(crate) async fn page(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    Query(p): Query<AuthorizeParams>,
) -> Response {
    let redirect = match validate(&shared, &tenant, &p) {
        Ok(r) => r,
        Err(resp) => return *resp,
    };
    let prompt_none = p.prompt.as_deref() == Some("none");
    if shared.config.auto_approve || prompt_none {
        if !shared.config.auto_approve {
            return redirect_error(
                &redirect,
                &p,
                "login_required",
                "AADSTS50058: A silent sign-in request was sent but no user is signed in.",
            );
        }
        let default = format!("{}@{}", ACCOUNTS[DEFAULT_ACCOUNT].0, shared.tenant_domain);
        let upn = p.login_hint.clone().unwrap_or(default);
        return approve(&shared, &tenant, &p, &redirect, &upn);
    }
    Html(picker(&shared, &tenant, &p)).into_response()
}

pub(crate) async fn submit(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    Form(p): Form<AuthorizeParams>,
) -> Response {
    let redirect = match validate(&shared, &tenant, &p) {
        Ok(r) => r,
        Err(resp) => return *resp,
    };
    let Some(upn) = p.account.clone().or_else(|| p.login_hint.clone()) else {
        return Html(picker(&shared, &tenant, &p)).into_response();
    };
    approve(&shared, &tenant, &p, &redirect, &upn)
}

fn error_page(status: StatusCode, code: u32, text: &str) -> Response {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Sign in to the Prestage sandbox tenant</title></head>\
         <body><h1>Sorry, but we're having trouble signing you in.</h1><p id=\"error\">AADSTS{code}: {}</p></body></html>",
        escape(text)
    );
    (status, Html(body)).into_response()
}

/// Checks what must be right before anything is sent back to the redirect URI.
fn validate(shared: &Shared, tenant: &str, p: &AuthorizeParams) -> Result<String, Box<Response>> {
    if !tenant_matches(shared, tenant) {
        return Err(Box::new(error_page(StatusCode::BAD_REQUEST, 90002, &format!("Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."))));
    }
    let Some(client_id) = p.client_id.as_deref().filter(|c| !c.is_empty()) else {
        return Err(Box::new(error_page(
            StatusCode::BAD_REQUEST,
            900144,
            "The request body must contain the following parameter: 'client_id'.",
        )));
    };
    let redirect = p.redirect_uri.clone().unwrap_or_default();
    if !redirect_allowed(&redirect) {
        return Err(Box::new(error_page(StatusCode::BAD_REQUEST, 50011, &format!("The redirect URI '{redirect}' specified in the request does not match the redirect URIs configured for the application '{client_id}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal."))));
    }
    if p.response_type.as_deref() != Some("code") {
        return Err(Box::new(redirect_error(
            &redirect,
            p,
            "unsupported_response_type",
            "AADSTS700054: response_type 'code' is required by this sandbox.",
        )));
    }
    if p.scope.as_deref().is_none_or(|s| s.trim().is_empty()) {
        return Err(Box::new(redirect_error(
            &redirect,
            p,
            "invalid_request",
            "AADSTS900144: The request body must contain the following parameter: 'scope'.",
        )));
    }
    if p.code_challenge.as_deref().is_none_or(str::is_empty) {
        return Err(Box::new(redirect_error(&redirect, p, "invalid_request", "AADSTS9002325: Proof Key for Code Exchange is required for this public client. Send code_challenge and code_challenge_method=S256.")));
    }
    let method = p.code_challenge_method.as_deref().unwrap_or("plain");
    if method != "S256" && method != "plain" {
        return Err(Box::new(redirect_error(&redirect, p, "invalid_request", "AADSTS501491: Invalid size of Code_Challenge parameter or unsupported code_challenge_method.")));
    }
    Ok(redirect)
}

/// The redirect URI (normalised: a URI without a path gets `/`, as Entra returns it) with
/// `pairs` appended to its query.
fn with_params(redirect: &str, pairs: &[(&str, &str)]) -> String {
    match url::Url::parse(redirect) {
        Ok(mut u) => {
            u.query_pairs_mut().extend_pairs(pairs);
            u.to_string()
        }
        Err(_) => redirect.to_owned(),
    }
}

fn found(location: &str) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, location.to_owned())]).into_response()
}

fn redirect_error(redirect: &str, p: &AuthorizeParams, error: &str, description: &str) -> Response {
    let mut pairs = vec![("error", error), ("error_description", description)];
    if let Some(s) = p.state.as_deref() {
        pairs.push(("state", s));
    }
    found(&with_params(redirect, &pairs))
}

fn approve(
    shared: &Shared,
    tenant: &str,
    p: &AuthorizeParams,
    redirect: &str,
    upn: &str,
) -> Response {
    let mut inner = shared.lock();
    let Some(user) = inner.dir.find_user(upn.trim()) else {
        return error_page(StatusCode::BAD_REQUEST, 50034, &format!("The user account {upn} does not exist in the '{tenant}' directory. To sign into this application, the account must be added to the directory."));
    };
    if !inner.dir.users[user].account_enabled {
        return error_page(
            StatusCode::BAD_REQUEST,
            50057,
            "The user account is disabled.",
        );
    }
    let code = inner.tokens.issue_code(CodeGrant {
        user,
        client_id: p.client_id.clone().unwrap_or_default(),
        redirect_uri: redirect.to_owned(),
        challenge: p.code_challenge.clone(),
        challenge_method: p
            .code_challenge_method
            .clone()
            .unwrap_or_else(|| "plain".into()),
        scope: p.scope.clone().unwrap_or_default(),
        nonce: p.nonce.clone(),
        issued: Instant::now(),
        redeemed: false,
    });
    inner.counters.codes_issued += 1;
    drop(inner);
    let mut pairs = vec![("code", code.as_str())];
    if let Some(s) = p.state.as_deref() {
        pairs.push(("state", s));
    }
    found(&with_params(redirect, &pairs))
}

fn hidden(name: &str, value: Option<&str>) -> String {
    value.map_or_else(String::new, |v| {
        format!(
            "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
            escape(v)
        )
    })
}

fn picker(shared: &Shared, tenant: &str, p: &AuthorizeParams) -> String {
    let mut fields = String::new();
    for (name, value) in [
        ("client_id", &p.client_id),
        ("response_type", &p.response_type),
        ("redirect_uri", &p.redirect_uri),
        ("scope", &p.scope),
        ("state", &p.state),
        ("code_challenge", &p.code_challenge),
        ("code_challenge_method", &p.code_challenge_method),
        ("nonce", &p.nonce),
    ] {
        fields.push_str(&hidden(name, value.as_deref()));
    }
    let mut buttons = String::new();
    for (local, given, surname, role) in ACCOUNTS {
        let upn = format!("{local}@{}", shared.tenant_domain);
        buttons.push_str(&format!(
            "<li><button type=\"submit\" name=\"account\" value=\"{upn}\"><strong>{given} {surname}</strong><br>{upn}<br><small>{role}</small></button></li>",
            upn = escape(&upn),
        ));
    }
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign in to the Prestage sandbox tenant</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}}ul{{list-style:none;padding:0}}\
         button{{width:100%;text-align:left;padding:.75rem;margin:.25rem 0;cursor:pointer}}</style></head>\
         <body><h1>Sign in to the Prestage sandbox tenant</h1><p>Contoso Sandbox ({domain}) — pick an account:</p>\
         <form method=\"post\" action=\"/{tenant}/oauth2/v2.0/authorize\">{fields}<ul>{buttons}</ul></form></body></html>",
        domain = escape(shared.tenant_domain),
        tenant = escape(tenant),
    )
}
