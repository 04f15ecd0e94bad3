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

/// Someone on the team, as these rules see them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Someone {
    pub id: i64,
    pub role: Role,
}

/// Checks a change by `actor` to `target` (their role as it is now); `other_active_admins`
/// counts the active admins besides the target.
pub fn check_change(
    actor: Someone,
    target: Someone,
    change: MemberChange,
    other_active_admins: i64,
) -> Result<(), TeamRefusal> {
    let new_role = match change {
        MemberChange::Role(role) => role,
        _ => target.role,
    };
    if !may_manage(actor.role, target.role) || !may_manage(actor.role, new_role) {
        return Err(TeamRefusal::OnlyAdminsManageAdmins);
    }
    let self_lockout = matches!(change, MemberChange::Deactivate | MemberChange::Role(_));
    if actor.id == target.id && self_lockout {
        return Err(TeamRefusal::NotYourself);
    }
    let removes_admin = target.role == Role::Admin && matches!(change, MemberChange::Deactivate)
        || matches!(change, MemberChange::Role(r) if target.role == Role::Admin && r != Role::Admin);
    if removes_admin && other_active_admins == 0 {
        return Err(TeamRefusal::LastAdmin);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admin(id: i64) -> Someone {
        Someone {
            id,
            role: Role::Admin,
        }
    }

    fn lead(id: i64) -> Someone {
        Someone {
            id,
            role: Role::Lead,
        }
    }

    fn agent(id: i64) -> Someone {
        Someone {
            id,
            role: Role::Agent,
        }
    }

    #[test]
    fn leads_manage_agents_and_leads_only() {
        assert!(may_manage(Role::Lead, Role::Agent));
        assert!(may_manage(Role::Lead, Role::Lead));
        assert!(!may_manage(Role::Lead, Role::Admin));
        assert!(!may_manage(Role::Agent, Role::Agent));
        let promote = MemberChange::Role(Role::Admin);
        assert_eq!(
            check_change(lead(1), agent(2), promote, 1),
            Err(TeamRefusal::OnlyAdminsManageAdmins)
        );
    }

    #[test]
    fn nobody_locks_the_team_out() {
        let (deactivate, password) = (MemberChange::Deactivate, MemberChange::Password);
        let demote = MemberChange::Role(Role::Lead);
        assert_eq!(
            check_change(admin(1), admin(1), deactivate, 1),
            Err(TeamRefusal::NotYourself)
        );
        assert_eq!(
            check_change(admin(1), admin(2), demote, 0),
            Err(TeamRefusal::LastAdmin)
        );
        assert!(check_change(admin(1), admin(2), deactivate, 1).is_ok());
        assert!(check_change(admin(1), admin(1), password, 0).is_ok());
    }
}
