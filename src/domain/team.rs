//! Who may manage whom: team leads manage agents and leads, admins manage everyone; nobody
//! locks themselves out, and the team always keeps an active admin.

use super::Role;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TeamRefusal {
    #[error("Team leads manage agents and team leads; only an admin can manage admins.")]
    OnlyAdminsManageAdmins,
    #[error("You cannot deactivate yourself or change your own role. Ask another admin.")]
    NotYourself,
    #[error("The team needs at least one active admin: make someone else admin first.")]
    LastAdmin,
}

/// Whether `actor` may add, change or deactivate a member whose role is (or becomes) `role`.
pub fn may_manage(actor: Role, role: Role) -> bool {
    match actor {
        Role::Admin => true,
        Role::Lead => role != Role::Admin,
        Role::Agent => false,
    }
}

/// A change to an existing member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberChange {
    Role(Role),
    Deactivate,
    Reactivate,
    Password,
}

/// Checks a change by `actor` (with id `actor_id`) to member `target_id`, whose role is
/// `target_role`; `other_active_admins` counts the active admins besides the target.
pub fn check_change(
    actor_id: i64,
    actor: Role,
    target_id: i64,
    target_role: Role,
    change: MemberChange,
    other_active_admins: i64,
) -> Result<(), TeamRefusal> {
    let new_role = match change {
        MemberChange::Role(role) => role,
        _ => target_role,
    };
    if !may_manage(actor, target_role) || !may_manage(actor, new_role) {
        return Err(TeamRefusal::OnlyAdminsManageAdmins);
    }
    let self_lockout = matches!(change, MemberChange::Deactivate | MemberChange::Role(_));
    if actor_id == target_id && self_lockout {
        return Err(TeamRefusal::NotYourself);
    }
    let removes_admin = target_role == Role::Admin && matches!(change, MemberChange::Deactivate)
        || matches!(change, MemberChange::Role(r) if target_role == Role::Admin && r != Role::Admin);
    if removes_admin && other_active_admins == 0 {
        return Err(TeamRefusal::LastAdmin);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leads_manage_agents_and_leads_only() {
        assert!(may_manage(Role::Lead, Role::Agent));
        assert!(may_manage(Role::Lead, Role::Lead));
        assert!(!may_manage(Role::Lead, Role::Admin));
        assert!(!may_manage(Role::Agent, Role::Agent));
        assert_eq!(
            check_change(
                1,
                Role::Lead,
                2,
                Role::Agent,
                MemberChange::Role(Role::Admin),
                1
            ),
            Err(TeamRefusal::OnlyAdminsManageAdmins)
        );
    }

    #[test]
    fn nobody_locks_the_team_out() {
        assert_eq!(
            check_change(1, Role::Admin, 1, Role::Admin, MemberChange::Deactivate, 1),
            Err(TeamRefusal::NotYourself)
        );
        assert_eq!(
            check_change(
                1,
                Role::Admin,
                2,
                Role::Admin,
                MemberChange::Role(Role::Lead),
                0
            ),
            Err(TeamRefusal::LastAdmin)
        );
        assert!(check_change(1, Role::Admin, 2, Role::Admin, MemberChange::Deactivate, 1).is_ok());
        assert!(check_change(1, Role::Admin, 1, Role::Admin, MemberChange::Password, 0).is_ok());
    }
}
