//! `/organization`: the one tenant (id, displayName, verifiedDomains, countryLetterCode, and the
//! Entra ID P1 service plan unless the tenant is non-premium).

use axum::http::Method;
use serde_json::{json, Value};

use crate::errors::{iso, GraphError, GraphResult, Reply};
use crate::odata::paging::collection;
use crate::request::{Ctx, GraphRequest};
use crate::seed::epoch_plus;

fn organization_json(ctx: &Ctx<'_>) -> Value {
    let s = ctx.shared;
    let assigned = epoch_plus(0, 0);
    let plans = if s.config.non_premium {
        json!([])
    } else {
        json!([{
            "assignedDateTime": iso(assigned),
            "capabilityStatus": "Enabled",
            "service": "AADPremiumService",
            "servicePlanId": "41781fb2-bc02-4b7c-bd55-b576c07bb09d"
        }])
    };
    json!({
        "id": s.tenant_id,
        "deletedDateTime": null,
        "businessPhones": ["+1 4255550100"],
        "city": "Redmond",
        "country": null,
        "countryLetterCode": "US",
        "createdDateTime": iso(assigned),
        "defaultUsageLocation": "US",
        "displayName": "Contoso Sandbox",
        "marketingNotificationEmails": [],
        "onPremisesLastSyncDateTime": iso(epoch_plus(2300, 3600)),
        "onPremisesSyncEnabled": true,
        "postalCode": "98052",
        "preferredLanguage": "en",
        "securityComplianceNotificationMails": [],
        "securityComplianceNotificationPhones": [],
        "state": "WA",
        "street": "1 Sandbox Way",
        "technicalNotificationMails": [format!("gaby.admin@{}", s.tenant_domain)],
        "tenantType": "AAD",
        "assignedPlans": plans,
        "verifiedDomains": [{
            "capabilities": "Email, OfficeCommunicationsOnline",
            "isDefault": true,
            "isInitial": true,
            "name": s.tenant_domain,
            "type": "Managed"
        }]
    })
}

pub(crate) fn list(ctx: &mut Ctx<'_>, req: &GraphRequest) -> GraphResult {
    req.only(Method::GET)?;
    Ok(Reply::ok(collection(
        ctx.context("organization"),
        vec![organization_json(ctx)],
        None,
        None,
    )))
}

pub(crate) fn get(ctx: &mut Ctx<'_>, req: &GraphRequest, id: &str) -> GraphResult {
    req.only(Method::GET)?;
    if !id.eq_ignore_ascii_case(&ctx.shared.tenant_id) {
        return Err(GraphError::resource_not_found(id));
    }
    let mut v = organization_json(ctx);
    v["@odata.context"] = json!(ctx.context("organization/$entity"));
    Ok(Reply::ok(v))
}
