//! The planning rules every flow shares: what is wanted for a user (`Desired`), what the user has
//! now (`UserState`, read in batches), and the one diff between them in the order Graph accepts
//! (`diff`), guarded for undo and checked against the admin's role (`plan_user`). `send_change`
//! is the only place a planned change becomes a Graph write. The CSV import, undo, single-user
//! fixes and the report's follow-up runs all plan through here; none keeps its own copy of
//! Graph's rules.

mod actor;
mod diff;
#[cfg(test)]
pub(crate) mod fixtures;
mod guard;
mod methods;
mod model;
mod send;
mod state;
mod user;

pub use actor::Actor;
pub use diff::{diff, Diff};
pub(crate) use guard::guard;
pub use guard::ChangedSinceRun;
pub use methods::{method_name, parse_default_method, phone_of};
pub use model::{
    Action, Change, Desired, Left, RowPlan, RowStatus, Slot, TapSpec, TargetUser, Want,
};
pub(crate) use send::send_change;
pub(crate) use state::note_method;
pub use state::{read_state, read_states, Key, Lookup, Needs, Registered, TapState, UserState};
pub use user::{plan_user, UserPlan};
