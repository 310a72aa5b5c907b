//! Metadata conformance: every property name the sandbox emits for authentication methods,
//! registration details, signInPreferences, users and policy configurations exists on the
//! Graph type (base types walked), and every enum value is a member of its enum — v1.0 against
//! the v1.0 CSDL, beta against the beta type mappings. Driven by real sandbox responses.

use std::collections::{BTreeSet, HashMap};

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::*;

fn metadata(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/graph-metadata")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The v1.0 CSDL: type → (base type, property name → type), enum → members.
struct Csdl {
    types: HashMap<String, (Option<String>, HashMap<String, String>)>,
    enums: HashMap<String, BTreeSet<String>>,
}

impl Csdl {
    fn load() -> Csdl {
        let text = metadata("v1.0-Prod.csdl");
        let doc = roxmltree::Document::parse(&text).unwrap();
        let mut types = HashMap::new();
        let mut enums = HashMap::new();
        for schema in doc.descendants().filter(|n| n.has_tag_name("Schema")) {
            if schema.attribute("Namespace") != Some("microsoft.graph") {
                continue;
            }
            for node in schema.children().filter(|n| n.is_element()) {
                let Some(name) = node.attribute("Name") else {
                    continue;
                };
                match node.tag_name().name() {
                    "EntityType" | "ComplexType" => {
                        let base = node
                            .attribute("BaseType")
                            .map(|b| b.trim_start_matches("graph.").to_owned());
                        let props = node
                            .children()
                            .filter(|c| {
                                c.has_tag_name("Property") || c.has_tag_name("NavigationProperty")
                            })
                            .filter_map(|c| {
                                Some((
                                    c.attribute("Name")?.to_owned(),
                                    c.attribute("Type")?.to_owned(),
                                ))
                            })
                            .collect();
                        types.insert(name.to_owned(), (base, props));
                    }
                    "EnumType" => {
                        let members = node
                            .children()
                            .filter(|c| c.has_tag_name("Member"))
                            .filter_map(|c| c.attribute("Name").map(str::to_owned))
                            .collect();
                        enums.insert(name.to_owned(), members);
                    }
                    _ => {}
                }
            }
        }
        Csdl { types, enums }
    }

    /// The declared type of `prop` on `ty` or one of its base types.
    fn property_type(&self, ty: &str, prop: &str) -> Option<&str> {
        let mut cur = Some(ty.to_owned());
        while let Some(t) = cur {
            let (base, props) = self.types.get(&t)?;
            if let Some(p) = props.get(prop) {
                return Some(p);
            }
            cur = base.clone();
        }
        None
    }

    fn base_chain(&self, ty: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut cur = Some(ty.to_owned());
        while let Some(t) = cur {
            cur = self.types.get(&t).and_then(|(b, _)| b.clone());
            out.push(t);
        }
        out
    }
}

/// The beta type mappings: type → property names (entity and complex), enum → members.
struct Beta {
    props: HashMap<String, BTreeSet<String>>,
    enums: HashMap<String, BTreeSet<String>>,
}

impl Beta {
    fn load() -> Beta {
        let mut props = HashMap::new();
        for file in ["beta-entity-types.json", "beta-complex-types.json"] {
            let v: Value = serde_json::from_str(&metadata(file)).unwrap();
            for (name, t) in v["microsoft.graph"].as_object().unwrap() {
                let set: BTreeSet<String> = ["properties", "navigationProperties"]
                    .iter()
                    .flat_map(|k| t[*k].as_array().cloned().unwrap_or_default())
                    .filter_map(|p| p.as_str().map(str::to_owned))
                    .collect();
                props.insert(name.clone(), set);
            }
        }
        let v: Value = serde_json::from_str(&metadata("beta-enum-types.json")).unwrap();
        let enums = v["microsoft.graph"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, m)| {
                (
                    k.clone(),
                    m.as_array()
                        .unwrap()
                        .iter()
                        .filter_map(|x| x.as_str().map(str::to_owned))
                        .collect(),
                )
            })
            .collect();
        Beta { props, enums }
    }
}

#[derive(Default)]
struct Checker {
    problems: Vec<String>,
    checked: BTreeSet<String>,
}

impl Checker {
    /// v1.0: `obj` is an instance of `ty`.
    fn v1(&mut self, csdl: &Csdl, ty: &str, obj: &Value) {
        for (k, v) in obj.as_object().unwrap() {
            if k.starts_with('@') {
                continue;
            }
            self.checked.insert(format!("v1.0 {ty}.{k}"));
            match csdl.property_type(ty, k) {
                None => self
                    .problems
                    .push(format!("v1.0: {ty} has no property '{k}'")),
                Some(t) => self.enum_value_v1(csdl, ty, k, t, v),
            }
        }
    }

    fn enum_value_v1(&mut self, csdl: &Csdl, ty: &str, k: &str, t: &str, v: &Value) {
        let (inner, values): (&str, Vec<&Value>) = match t
            .strip_prefix("Collection(")
            .and_then(|s| s.strip_suffix(')'))
        {
            Some(inner) => (
                inner,
                v.as_array().map(|a| a.iter().collect()).unwrap_or_default(),
            ),
            None => (t, vec![v]),
        };
        let name = inner.trim_start_matches("graph.");
        if let Some(members) = csdl.enums.get(name) {
            for x in values {
                if let Some(s) = x.as_str() {
                    if !members.contains(s) {
                        self.problems
                            .push(format!("v1.0: {ty}.{k} = '{s}' is not in enum {name}"));
                    }
                    self.checked.insert(format!("v1.0 enum {name}={s}"));
                }
            }
        } else if let (Some(_), Some(o)) = (csdl.types.get(name), v.as_object()) {
            let _ = o;
            for x in values {
                if x.is_object() {
                    self.v1(csdl, name, x);
                }
            }
        }
    }

    /// beta: property names from the beta mappings along the (v1.0) base chain; enum values
    /// for properties whose enum is named in `enums`.
    fn beta(&mut self, csdl: &Csdl, beta: &Beta, ty: &str, obj: &Value, enums: &[(&str, &str)]) {
        let mut chain = csdl.base_chain(ty);
        if chain.len() == 1 {
            chain.push("entity".into());
        }
        for (k, v) in obj.as_object().unwrap() {
            if k.starts_with('@') {
                continue;
            }
            self.checked.insert(format!("beta {ty}.{k}"));
            let known = chain
                .iter()
                .any(|t| beta.props.get(t).is_some_and(|p| p.contains(k)));
            if !known {
                self.problems
                    .push(format!("beta: {ty} has no property '{k}'"));
            }
            let enum_name = enums
                .iter()
                .find(|(p, _)| p == k)
                .map(|(_, e)| (*e).to_owned())
                .or_else(|| {
                    csdl.property_type(ty, k)
                        .map(|t| t.trim_start_matches("graph.").to_owned())
                        .filter(|t| beta.enums.contains_key(t))
                });
            if let Some(e) = enum_name {
                let members = &beta.enums[&e];
                if let Some(s) = v.as_str() {
                    if !members.contains(s) {
                        self.problems
                            .push(format!("beta: {ty}.{k} = '{s}' is not in enum {e}"));
                    }
                    self.checked.insert(format!("beta enum {e}={s}"));
                }
            }
        }
    }
}

fn odata_type(v: &Value) -> String {
    v["@odata.type"]
        .as_str()
        .unwrap()
        .trim_start_matches("#microsoft.graph.")
        .to_owned()
}

async fn all_pages(env: &Env, token: &str, first: String) -> Vec<Value> {
    let mut out = Vec::new();
    let mut next = Some(first);
    while let Some(url) = next {
        let body: Value = env
            .http
            .get(&url)
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        out.extend(body["value"].as_array().unwrap().iter().cloned());
        next = body["@odata.nextLink"].as_str().map(str::to_owned);
    }
    out
}

#[tokio::test]
async fn emitted_json_matches_graph_metadata() {
    let csdl = Csdl::load();
    let beta = Beta::load();
    // With every policy and the "still asked" people, so their JSON is checked too.
    let env = crate::common::env(prestage_sandbox::SandboxConfig {
        still_asked: true,
        conditional_access_mfa: true,
        ..Default::default()
    })
    .await;
    let paa = sign_in(&env, "priya.patel").await;
    let ga = sign_in(&env, "gaby.admin").await;
    let base = env.sb.base_url();
    let mut c = Checker::default();

    // Make sure every method type exists somewhere: a TAP (v1.0 and beta responses).
    let users = all_pages(&env, &ga, format!("{base}v1.0/users?$top=999&$select=id")).await;
    let ids: Vec<String> = users
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect();
    let tap_user = &ids[20];
    for version in ["v1.0", "beta"] {
        let r = post(
            &env,
            &paa,
            &format!("{version}/users/{tap_user}/authentication/temporaryAccessPassMethods"),
            json!({"lifetimeInMinutes": 60}),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        if version == "v1.0" {
            c.v1(&csdl, "temporaryAccessPassAuthenticationMethod", &r.body);
        } else {
            c.beta(
                &csdl,
                &beta,
                "temporaryAccessPassAuthenticationMethod",
                &r.body,
                &[],
            );
        }
    }

    let mut seen_types = BTreeSet::new();
    for id in &ids {
        for version in ["v1.0", "beta"] {
            let r = get(
                &env,
                &ga,
                &format!("{version}/users/{id}/authentication/methods"),
            )
            .await;
            assert_eq!(r.status, StatusCode::OK);
            for m in r.body["value"].as_array().unwrap() {
                let ty = odata_type(m);
                seen_types.insert(ty.clone());
                if version == "v1.0" {
                    c.v1(&csdl, &ty, m);
                } else {
                    c.beta(&csdl, &beta, &ty, m, &[]);
                }
            }
        }
    }
    for ty in [
        "passwordAuthenticationMethod",
        "phoneAuthenticationMethod",
        "emailAuthenticationMethod",
        "microsoftAuthenticatorAuthenticationMethod",
        "fido2AuthenticationMethod",
        "softwareOathAuthenticationMethod",
        "windowsHelloForBusinessAuthenticationMethod",
        "temporaryAccessPassAuthenticationMethod",
    ] {
        assert!(seen_types.contains(ty), "no {ty} in the seeded tenant");
    }

    // Registration details, both versions, every row.
    for row in all_pages(
        &env,
        &ga,
        format!("{base}v1.0/reports/authenticationMethods/userRegistrationDetails?$top=999"),
    )
    .await
    {
        c.v1(&csdl, "userRegistrationDetails", &row);
    }
    let beta_rows = all_pages(
        &env,
        &ga,
        format!("{base}beta/reports/authenticationMethods/userRegistrationDetails?$top=999"),
    )
    .await;
    assert!(beta_rows.iter().all(|r| r["defaultMfaMethod"].is_string()));
    for row in &beta_rows {
        c.beta(
            &csdl,
            &beta,
            "userRegistrationDetails",
            row,
            &[
                ("defaultMfaMethod", "defaultMfaMethodType"),
                (
                    "userPreferredMethodForSecondaryAuthentication",
                    "userDefaultAuthenticationMethod",
                ),
                ("userType", "signInUserType"),
            ],
        );
    }

    // signInPreferences (beta complex type).
    for id in ids.iter().take(60) {
        let r = get(
            &env,
            &paa,
            &format!("beta/users/{id}/authentication/signInPreferences"),
        )
        .await;
        c.beta(
            &csdl,
            &beta,
            "signInPreferences",
            &r.body,
            &[(
                "userPreferredMethodForSecondaryAuthentication",
                "userDefaultAuthenticationMethodType",
            )],
        );
    }

    for id in ids.iter().take(10) {
        let r = get(
            &env,
            &ga,
            &format!("beta/users/{id}/authentication/requirements"),
        )
        .await;
        c.beta(
            &csdl,
            &beta,
            "strongAuthenticationRequirements",
            &r.body,
            &[("perUserMfaState", "perUserMfaState")],
        );
    }

    // Users with every selectable property, organization, roles, groups, policy.
    let all_props = "businessPhones,displayName,givenName,jobTitle,mail,mobilePhone,officeLocation,preferredLanguage,surname,userPrincipalName,id,accountEnabled,userType,onPremisesSyncEnabled,usageLocation,department,city,country,createdDateTime,assignedLicenses,mailNickname,creationType,externalUserState,otherMails";
    for u in all_pages(
        &env,
        &ga,
        format!("{base}v1.0/users?$top=999&$select={all_props}"),
    )
    .await
    {
        c.v1(&csdl, "user", &u);
    }
    c.v1(
        &csdl,
        "organization",
        &get(&env, &ga, "v1.0/organization").await.body["value"][0],
    );
    for o in get(&env, &ga, "v1.0/me/memberOf").await.body["value"]
        .as_array()
        .unwrap()
    {
        c.v1(&csdl, &odata_type(o), o);
    }
    let policy = get(&env, &ga, "v1.0/policies/authenticationMethodsPolicy")
        .await
        .body;
    let mut top = policy.clone();
    top.as_object_mut()
        .unwrap()
        .remove("authenticationMethodConfigurations");
    c.v1(&csdl, "authenticationMethodsPolicy", &top);
    for conf in policy["authenticationMethodConfigurations"]
        .as_array()
        .unwrap()
    {
        let ty = odata_type(conf);
        let mut plain = conf.clone();
        let targets = plain
            .as_object_mut()
            .unwrap()
            .remove("includeTargets")
            .unwrap();
        c.v1(&csdl, &ty, &plain);
        let target_type = match ty.as_str() {
            "smsAuthenticationMethodConfiguration" => "smsAuthenticationMethodTarget",
            "microsoftAuthenticatorAuthenticationMethodConfiguration" => {
                "microsoftAuthenticatorAuthenticationMethodTarget"
            }
            _ => "authenticationMethodTarget",
        };
        for t in targets.as_array().unwrap() {
            c.v1(&csdl, target_type, t);
        }
    }

    for p in get(&env, &ga, "v1.0/identity/conditionalAccess/policies")
        .await
        .body["value"]
        .as_array()
        .unwrap()
    {
        let mut p = p.clone();
        let grant = p.as_object_mut().unwrap().remove("grantControls").unwrap();
        c.v1(&csdl, "conditionalAccessPolicy", &p);
        let mut grant = grant.clone();
        // allowedCombinations holds comma-joined flags ("password,sms"), not single members.
        grant
            .as_object_mut()
            .unwrap()
            .remove("authenticationStrength");
        c.v1(&csdl, "conditionalAccessGrantControls", &grant);
    }
    for s in get(&env, &ga, "v1.0/policies/authenticationStrengthPolicies")
        .await
        .body["value"]
        .as_array()
        .unwrap()
    {
        let mut s = s.clone();
        s.as_object_mut().unwrap().remove("allowedCombinations");
        c.v1(&csdl, "authenticationStrengthPolicy", &s);
    }
    let mut sd = get(
        &env,
        &ga,
        "v1.0/policies/identitySecurityDefaultsEnforcementPolicy",
    )
    .await
    .body;
    sd.as_object_mut()
        .unwrap()
        .retain(|k, _| k != "@odata.context");
    c.v1(&csdl, "identitySecurityDefaultsEnforcementPolicy", &sd);

    let full = sign_in_full(&env, "gaby.admin").await;
    let wide = redeem(
        &env,
        full["refresh_token"].as_str().unwrap(),
        "https://graph.microsoft.com/.default https://graph.microsoft.com/Directory.Read.All offline_access",
    )
    .await;
    let ivan = get(
        &env,
        &ga,
        &format!("v1.0/users/{}", upn(&env, "ivan.identity")),
    )
    .await
    .body["id"]
        .clone();
    let log = get(
        &env,
        wide["access_token"].as_str().unwrap(),
        &format!(
            "beta/auditLogs/signIns?$filter=userId eq '{}'",
            ivan.as_str().unwrap()
        ),
    )
    .await
    .body;
    let entries = log["value"].as_array().unwrap();
    assert!(!entries.is_empty(), "{log}");
    for s in entries {
        c.beta(&csdl, &beta, "signIn", s, &[]);
    }

    println!("checked {} property/enum facts", c.checked.len());
    assert!(c
        .checked
        .contains("v1.0 enum authenticationPhoneType=alternateMobile"));
    assert!(c
        .checked
        .contains("v1.0 enum authenticationMethodSignInState=ready"));
    assert!(c
        .checked
        .contains("beta userRegistrationDetails.defaultMfaMethod"));
    assert!(c
        .checked
        .contains("v1.0 enum conditionalAccessPolicyState=enabledForReportingButNotEnforced"));
    assert!(c
        .checked
        .contains("beta signIn.authenticationRequirementPolicies"));
    assert!(
        c.problems.is_empty(),
        "not in Graph's metadata:\n{}",
        c.problems.join("\n")
    );
}
