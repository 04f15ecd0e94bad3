//! Team members: the list, adding a member, and changing one.

pub mod add;
pub mod change;
pub mod list;
