//! The running exercise as a bevy resource: the core's session service, shared by the
//! facilitator's screens, the LAN host, the headless director and the web gateway.
//! Screen state (whose view is shown, drafts, banners) lives in the app, never here.

use bevy::prelude::*;

use cbm_ttx_core::session::Session;

/// The exercise being run on this machine.
#[derive(Resource)]
pub struct Exercise {
    pub session: Session,
    /// The last failure to persist the journal, until the next success.
    pub journal_error: Option<String>,
}

impl Exercise {
    pub fn new(session: Session) -> Exercise {
        Exercise {
            session,
            journal_error: None,
        }
    }

    /// Persist what was journaled since the last call (once per frame, before
    /// anything new is shown or sent).
    pub fn sync(&mut self) {
        self.journal_error = self
            .session
            .sync()
            .err()
            .map(|e| format!("the journal could not be synced to disk: {e}"));
    }
}

/// Where commands are given and where the journal is synced, in each frame.
#[derive(SystemSet, Clone, Debug, PartialEq, Eq, Hash)]
pub enum ExerciseSet {
    /// Systems that give commands (screens' intents, the network, the director).
    Commands,
    /// The journal is synced: after every command of the frame.
    Sync,
}

/// Syncs the journal once per frame, after the frame's commands.
pub struct ExercisePlugin;

impl Plugin for ExercisePlugin {
    fn build(&self, app: &mut App) {
        app.configure_sets(Update, ExerciseSet::Commands.before(ExerciseSet::Sync))
            .add_systems(
                Update,
                sync.in_set(ExerciseSet::Sync)
                    .run_if(resource_exists::<Exercise>),
            );
    }
}

fn sync(exercise: Option<ResMut<Exercise>>) {
    // The exercise may have been left earlier in this frame.
    if let Some(mut e) = exercise {
        e.sync();
    }
}
