//! Who may do what: self-edit, Authentication Administrator vs admin targets and masking,
//! Privileged Authentication Administrator, Global Reader.

use prestage_sandbox::AdminRole;

use crate::harness::{number, quick, tenant, MOBILE};
use crate::sandbox_phone_rules::assert_graph;

#[tokio::test]
async fn nobody_edits_their_own_methods_through_graph() {
    let t = tenant(quick()).await;
    let session = t
        .session_with(
            AdminRole::PrivilegedAuthenticationAdministrator,
            Default::default(),
        )
        .await;
    let me = session.account().id.clone();
    let g = session.graph();
    assert_graph(
        g.create_phone_method(&me, MOBILE, &number("+1 2065550100"))
            .await,
        403,
        "accessDenied",
    );
}

#[tokio::test]
async fn authentication_administrator_sees_masked_numbers_and_cannot_touch_admins() {
    let t = tenant(quick()).await;
    let paa = t.paa().await;
    let aa = t.as_role(AdminRole::AuthenticationAdministrator).await;
    let user = t.phoneless_users(&paa, 1).await.remove(0);
    paa.create_phone_method(&user, MOBILE, &number("+1 2065550177"))
        .await
        .unwrap();

    let full = paa
        .get_phone_method(&user, MOBILE)
        .await
        .unwrap()
        .phone_number;
    let masked = aa
        .get_phone_method(&user, MOBILE)
        .await
        .unwrap()
        .phone_number;
    assert_eq!(full, "+1 2065550177");
    assert_ne!(masked, full);
    assert!(masked.ends_with("77") && masked.contains('X'), "{masked}");

    // Ordinary users: allowed. Global Administrators: refused, but fine for a PAA.
    aa.update_phone_method(&user, MOBILE, &number("+1 2065550178"))
        .await
        .unwrap();
    let admin = t.global_admin_target(&paa).await;
    assert_graph(
        aa.list_methods(&admin).await.map(|_| ()).and(
            aa.create_phone_method(&admin, MOBILE, &number("+1 2065550179"))
                .await,
        ),
        403,
        "accessDenied",
    );
    let has_mobile = paa
        .list_phone_methods(&admin)
        .await
        .unwrap()
        .iter()
        .any(|p| p.phone_type == Some(MOBILE));
    if has_mobile {
        paa.update_phone_method(&admin, MOBILE, &number("+1 2065550179"))
            .await
            .unwrap();
    } else {
        paa.create_phone_method(&admin, MOBILE, &number("+1 2065550179"))
            .await
            .unwrap();
    }
    assert_eq!(
        paa.get_phone_method(&admin, MOBILE)
            .await
            .unwrap()
            .phone_number,
        "+1 2065550179"
    );
}

#[tokio::test]
async fn global_reader_reads_but_never_writes() {
    let t = tenant(quick()).await;
    let paa = t.paa().await;
    let reader = t.as_role(AdminRole::GlobalReader).await;
    let user = t.phoneless_users(&paa, 1).await.remove(0);
    assert!(reader.list_methods(&user).await.is_ok());
    assert_graph(
        reader
            .create_phone_method(&user, MOBILE, &number("+1 2065550100"))
            .await,
        403,
        "accessDenied",
    );
}

#[tokio::test]
async fn a_user_without_a_role_cannot_read_others_methods() {
    let t = tenant(quick()).await;
    let paa = t.paa().await;
    let nobody = t.as_role(AdminRole::None).await;
    let user = t.ordinary_users(&paa, 1).await.remove(0);
    assert_graph(nobody.list_methods(&user).await, 403, "accessDenied");
}
