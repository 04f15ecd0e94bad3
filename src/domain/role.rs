//! What a team member may do.

use super::text_enum;

text_enum!(
    /// A team member's role; each includes everything the one before may do.
    Role { Agent => "agent", Lead => "lead", Admin => "admin" }
);

impl Role {
    fn rank(self) -> u8 {
        match self {
            Role::Agent => 0,
            Role::Lead => 1,
            Role::Admin => 2,
        }
    }

    /// Whether this role may do what `required` may do.
    pub fn at_least(self, required: Role) -> bool {
        self.rank() >= required.rank()
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Agent => "Agent",
            Role::Lead => "Team lead",
            Role::Admin => "Admin",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered() {
        assert!(Role::Admin.at_least(Role::Lead));
        assert!(Role::Lead.at_least(Role::Lead));
        assert!(!Role::Agent.at_least(Role::Lead));
        assert_eq!("lead".parse::<Role>().unwrap(), Role::Lead);
        assert!("owner".parse::<Role>().is_err());
    }
}
