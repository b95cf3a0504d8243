//! Who is acting, and what each action needs: the clinic's role rules, in one table.
//!
//! Every use case starts by asking [`Context::authorize`](crate::Context::authorize) for its
//! [`Action`]; the web's route table names the same actions, so a route and the use case it calls
//! can never disagree about who may use them.

use needlepoint_store::{ClientId, Role, User};

/// Who may do something.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone: sign-in, set-up, health, the client's private aftercare link.
    Public,
    /// Any signed-in member of staff.
    Staff,
    /// Owner and practitioner: clinical data.
    Clinical,
    /// The owner only: users, clinic settings, the audit log.
    Owner,
}

impl Access {
    pub fn allows(self, role: Role) -> bool {
        match self {
            Access::Public | Access::Staff => true,
            Access::Clinical => role.is_clinical(),
            Access::Owner => role == Role::Owner,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Access::Public => "public",
            Access::Staff => "needs any staff role",
            Access::Clinical => "needs a clinical role",
            Access::Owner => "needs the owner role",
        }
    }
}

macro_rules! actions {
    ($($action:ident => $access:ident,)*) => {
        /// Everything the clinic does, each with the access it needs.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Action {
            $($action,)*
        }

        impl Action {
            pub const ALL: &[Action] = &[$(Action::$action,)*];

            pub fn access(self) -> Access {
                match self {
                    $(Action::$action => Access::$access,)*
                }
            }
        }
    };
}

actions! {
    SeeHealth => Public,
    SignIn => Public,
    SetUp => Public,
    ReadAftercareByLink => Public,
    SignOut => Staff,
    SeeHome => Staff,
    ReadApiDescription => Staff,
    CreateClient => Staff,
    ReadClient => Staff,
    SearchClients => Staff,
    UpdateClient => Staff,
    ArchiveClient => Staff,
    TakeIntake => Clinical,
    ReadIntake => Clinical,
    ListIntakes => Clinical,
    AdjustDepth => Clinical,
    ReadConsentText => Clinical,
    SignConsent => Clinical,
    ListConsents => Clinical,
    WithdrawConsent => Clinical,
    ListUsers => Owner,
    CreateUser => Owner,
    ReadAudit => Owner,
    VerifyAudit => Owner,
    ListResources => Staff,
    ManageClinic => Owner,
    Book => Staff,
    ReadAppointment => Staff,
    ChangeAppointment => Staff,
    CheckIn => Staff,
    ProposeSeries => Staff,
    ReadSeries => Staff,
    ReadCalendar => Staff,
    ReadChart => Clinical,
    SaveChart => Clinical,
    CosignChart => Clinical,
    SignChart => Clinical,
    AmendChart => Clinical,
    ReadAftercare => Clinical,
    MakeAftercareLink => Clinical,
    TraceLot => Clinical,
    ReadTreatmentHistory => Clinical,
}

/// Who asks for an action.
#[derive(Clone, Debug)]
pub enum Actor {
    /// Nobody signed in: only public actions.
    Anonymous,
    /// A member of staff, signed in.
    Staff(User),
    /// A client acting on their own record (the coming client portal).
    Client(ClientId),
    /// A background job of the server (reminders, re-screening), by name.
    Job(&'static str),
}

impl Actor {
    /// The member of staff, if it is one.
    pub fn staff(&self) -> Option<&User> {
        match self {
            Actor::Staff(user) => Some(user),
            _ => None,
        }
    }

    /// Whether the actor may do `action` at all (ownership of a record is checked by the use case).
    pub fn may(&self, action: Action) -> bool {
        match (self, action.access()) {
            (_, Access::Public) => true,
            (Actor::Staff(user), access) => access.allows(user.role),
            // Jobs act for the clinic; what each may do is decided by the code that runs it.
            (Actor::Job(_), _) => true,
            (Actor::Anonymous | Actor::Client(_), _) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staff(role: Role) -> Actor {
        Actor::Staff(User {
            id: needlepoint_store::UserId::new(),
            email: "x@clinic.test".into(),
            role,
            password_hash: String::new(),
            created_at: jiff::Timestamp::UNIX_EPOCH,
        })
    }

    #[test]
    fn each_role_gets_exactly_its_actions() {
        for action in Action::ALL {
            let access = action.access();
            assert!(staff(Role::Owner).may(*action), "{action:?}");
            assert_eq!(
                staff(Role::Practitioner).may(*action),
                access != Access::Owner,
                "{action:?}"
            );
            assert_eq!(
                staff(Role::FrontDesk).may(*action),
                matches!(access, Access::Public | Access::Staff),
                "{action:?}"
            );
            assert_eq!(
                Actor::Anonymous.may(*action),
                access == Access::Public,
                "{action:?}"
            );
        }
        assert!(!staff(Role::FrontDesk).may(Action::ReadChart));
        assert!(!staff(Role::Practitioner).may(Action::ReadAudit));
    }
}
