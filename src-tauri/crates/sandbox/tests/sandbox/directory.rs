//! Users, search, paging, groups, organization, memberOf and the policy read endpoints.

use std::collections::HashSet;

use reqwest::{Method, StatusCode};

use crate::common::*;

#[tokio::test]
async fn users_list_select_top_and_paging() {
    let env = default_env().await;
    let t = sign_in(&env, "gwen.reader").await;
    let r = get(&env, &t, "v1.0/users?$top=1000").await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "Request_BadRequest")
    );
    assert_eq!(
        r.body["error"]["message"],
        "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive."
    );
    for key in ["date", "request-id", "client-request-id"] {
        assert!(r.body["error"]["innerError"][key].is_string(), "{key}");
    }
    let r = get(&env, &t, "v1.0/users?$top=0").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = get(&env, &t, "v1.0/users").await;
    assert_eq!(
        r.body["value"].as_array().unwrap().len(),
        100,
        "default page size"
    );
    assert!(r.body["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with("/v1.0/$metadata#users"));
    let mut seen = HashSet::new();
    let mut next = Some(format!(
        "{}v1.0/users?$select=id,userPrincipalName&$top=37",
        env.sb.base_url()
    ));
    let mut pages = 0;
    while let Some(url) = next {
        let resp = env.http.get(&url).bearer_auth(&t).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let body: serde_json::Value = resp.json().await.unwrap();
        for u in body["value"].as_array().unwrap() {
            assert_eq!(u.as_object().unwrap().len(), 2, "only selected properties");
            assert!(seen.insert(u["id"].as_str().unwrap().to_owned()));
        }
        next = body["@odata.nextLink"].as_str().map(str::to_owned);
        if let Some(n) = &next {
            assert!(n.contains("$skiptoken="));
            assert!(n.starts_with("http://127.0.0.1:"));
        }
        pages += 1;
    }
    assert_eq!(seen.len(), 250);
    assert_eq!(pages, 7);
    let r = get(&env, &t, "v1.0/users?$select=nonsense").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn search_needs_consistency_level_and_tokenizes_display_names() {
    let env = default_env().await;
    let t = sign_in(&env, "gwen.reader").await;
    let q = "v1.0/users?$search=%22displayName:patel%22&$count=true";
    let r = get(&env, &t, q).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "Request_UnsupportedQuery")
    );
    let r = call(
        &env,
        &t,
        Method::GET,
        q,
        None,
        &[("ConsistencyLevel", "eventual")],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let hits = r.body["value"].as_array().unwrap();
    assert!(hits
        .iter()
        .any(|u| u["userPrincipalName"] == upn(&env, "priya.patel")));
    assert!(hits.iter().all(|u| u["displayName"]
        .as_str()
        .unwrap()
        .to_lowercase()
        .contains("patel")));
    assert_eq!(
        r.body["@odata.count"].as_u64().unwrap() as usize,
        hits.len()
    );
    let q = "v1.0/users?$search=%22displayName:zzzz%22%20OR%20%22userPrincipalName:gwen.r%22";
    let r = call(
        &env,
        &t,
        Method::GET,
        q,
        None,
        &[("ConsistencyLevel", "eventual")],
    )
    .await;
    assert_eq!(r.body["value"].as_array().unwrap().len(), 1);
    let r = call(
        &env,
        &t,
        Method::GET,
        "v1.0/users/$count",
        None,
        &[("ConsistencyLevel", "eventual")],
    )
    .await;
    assert_eq!(r.body, serde_json::json!(250));
}

#[tokio::test]
async fn filters_orderby_and_guests() {
    let env = default_env().await;
    let t = sign_in(&env, "gwen.reader").await;
    let r = get(
        &env,
        &t,
        "v1.0/users?$filter=userType%20eq%20'Guest'&$select=userPrincipalName,userType&$top=999",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let guests = r.body["value"].as_array().unwrap();
    assert!(!guests.is_empty());
    assert!(guests.iter().all(|g| g["userType"] == "Guest"));
    // External (B2B) guests carry #EXT#; internal guests are local accounts of the tenant.
    let external =
        |g: &&serde_json::Value| g["userPrincipalName"].as_str().unwrap().contains("#EXT#");
    assert!(guests.iter().any(|g| external(&g)));
    assert!(guests.iter().any(|g| !external(&g)
        && g["userPrincipalName"]
            .as_str()
            .unwrap()
            .ends_with(env.sb.tenant_domain())));
    let r = get(&env, &t, "v1.0/users?$filter=accountEnabled%20eq%20false%20or%20startswith(displayName,'Gaby')&$select=displayName,accountEnabled&$top=999").await;
    let rows = r.body["value"].as_array().unwrap();
    assert!(rows.iter().any(|u| u["displayName"] == "Gaby Admin"));
    assert!(rows
        .iter()
        .all(|u| u["accountEnabled"] == false || u["displayName"] == "Gaby Admin"));
    let r = get(
        &env,
        &t,
        "v1.0/users?$orderby=displayName&$top=50&$select=displayName",
    )
    .await;
    let names: Vec<String> = r.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["displayName"].as_str().unwrap().to_lowercase())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    let r = get(&env, &t, "v1.0/users?$filter=jobTitle%20gt%20'x'").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let upn_hash = "v1.0/users?$filter=startswith(userPrincipalName,'gwen')";
    assert_eq!(
        get(&env, &t, upn_hash).await.body["value"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn unknown_user_is_404_and_lookup_by_upn_works() {
    let env = default_env().await;
    let t = sign_in(&env, "gaby.admin").await;
    let r = get(
        &env,
        &t,
        "v1.0/users/nobody@contoso-sandbox.onmicrosoft.com",
    )
    .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::NOT_FOUND, "Request_ResourceNotFound")
    );
    assert_eq!(r.body["error"]["message"], "Resource 'nobody@contoso-sandbox.onmicrosoft.com' does not exist or one of its queried reference-property objects are not present.");
    let r = get(
        &env,
        &t,
        "v1.0/users/00000000-0000-0000-0000-000000000000/authentication/methods",
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let guest = find_user(&env, |u| u["userType"] == "Guest");
    let encoded: String = url::form_urlencoded::byte_serialize(
        guest["userPrincipalName"].as_str().unwrap().as_bytes(),
    )
    .collect();
    let r = get(&env, &t, &format!("v1.0/users/{encoded}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["id"], guest["id"]);
    let r = call(
        &env,
        &t,
        Method::GET,
        "v1.0/me",
        None,
        &[("client-request-id", "abc-123")],
    )
    .await;
    assert_eq!(r.headers["client-request-id"], "abc-123");
    let r = get(&env, &t, "v1.0/nonsense").await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "BadRequest")
    );
}

#[tokio::test]
async fn organization_member_of_and_roles() {
    let env = default_env().await;
    let t = sign_in(&env, "priya.patel").await;
    let r = get(&env, &t, "v1.0/organization").await;
    let org = &r.body["value"][0];
    assert_eq!(org["id"], env.sb.tenant_id());
    assert_eq!(org["verifiedDomains"][0]["name"], env.sb.tenant_domain());
    assert_eq!(org["countryLetterCode"], "US");
    let r = get(&env, &t, "v1.0/me/memberOf").await;
    let roles: Vec<&serde_json::Value> = r.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["@odata.type"] == "#microsoft.graph.directoryRole")
        .collect();
    assert_eq!(roles.len(), 1);
    assert_eq!(
        roles[0]["roleTemplateId"],
        "7be44c8a-adaf-4e2a-84d6-ab2649e08a13"
    );
    assert_eq!(
        roles[0]["displayName"],
        "Privileged Authentication Administrator"
    );
    let expect = [
        ("gaby.admin", "62e90394-69f5-4237-9190-012177145e10"),
        ("alex.wong", "c4e39bd9-1100-46d3-8c65-fb160da0071f"),
        ("gwen.reader", "f2ef992c-3afb-46b9-b7cf-a126ee74c451"),
    ];
    for (who, template) in expect {
        let r = get(
            &env,
            &t,
            &format!(
                "v1.0/users/{}/memberOf/microsoft.graph.directoryRole",
                upn(&env, who)
            ),
        )
        .await;
        assert_eq!(r.body["value"][0]["roleTemplateId"], template, "{who}");
    }
    let r = get(
        &env,
        &t,
        &format!("v1.0/users/{}/memberOf", upn(&env, "nora.nobody")),
    )
    .await;
    assert!(r.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .all(|o| o["@odata.type"] == "#microsoft.graph.group"));
}

#[tokio::test]
async fn groups_members_and_transitive_members() {
    let env = default_env().await;
    let t = sign_in(&env, "gwen.reader").await;
    let r = get(
        &env,
        &t,
        "v1.0/groups?$filter=displayName%20eq%20'All%20staff'",
    )
    .await;
    let all_staff = r.body["value"][0]["id"].as_str().unwrap().to_owned();
    let r = get(
        &env,
        &t,
        &format!("v1.0/groups/{all_staff}/members/microsoft.graph.user"),
    )
    .await;
    assert_eq!(
        r.body["value"].as_array().unwrap().len(),
        0,
        "All staff has only nested groups"
    );
    let mut count = 0;
    let mut next = Some(format!(
        "{}v1.0/groups/{all_staff}/transitiveMembers/microsoft.graph.user?$top=100",
        env.sb.base_url()
    ));
    while let Some(url) = next {
        let body: serde_json::Value = env
            .http
            .get(&url)
            .bearer_auth(&t)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(body["value"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["@odata.type"] == "#microsoft.graph.user"));
        count += body["value"].as_array().unwrap().len();
        next = body["@odata.nextLink"].as_str().map(str::to_owned);
    }
    let members = env.sb.dump()["users"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| !u["userPrincipalName"].as_str().unwrap().contains("#EXT#"))
        .count();
    assert_eq!(count, members, "everyone but external guests");
    let r = get(&env, &t, "v1.0/groups/00000000-0000-0000-0000-000000000000").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn policy_is_readable_with_real_types() {
    let env = default_env().await;
    let t = sign_in(&env, "alex.wong").await;
    let r = get(
        &env,
        &t,
        "v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/Sms",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.body["@odata.type"],
        "#microsoft.graph.smsAuthenticationMethodConfiguration"
    );
    assert_eq!(r.body["state"], "enabled");
    let targets = r.body["includeTargets"].as_array().unwrap();
    assert!(targets
        .iter()
        .any(|x| x["id"] == "all_users" && x["isUsableForSignIn"] == false));
    assert!(targets
        .iter()
        .any(|x| x["targetType"] == "group" && x["isUsableForSignIn"] == true));
    let r = get(&env, &t, "v1.0/policies/authenticationMethodsPolicy").await;
    assert_eq!(
        r.body["authenticationMethodConfigurations"]
            .as_array()
            .unwrap()
            .len(),
        7
    );
    let voice = get(
        &env,
        &t,
        "v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/Voice",
    )
    .await;
    assert_eq!(voice.body["isOfficePhoneAllowed"], true);
    let tap = get(&env, &t, "v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass").await;
    assert_eq!(tap.body["minimumLifetimeInMinutes"], 60);
    let r = patch(
        &env,
        &t,
        "v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/Sms",
        serde_json::json!({"state": "disabled"}),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "only policy administrators change the policy"
    );
}
