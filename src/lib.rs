//! maskinporten-migrate: finds legacy `Altinn.ApiClients.Maskinporten` setups in Altinn app
//! repositories and explains how to move them to the Maskinporten client built into Altinn.App.
//!
//! The pipeline, one module per stage: `discover` (files and projects) → `facts` (what the code
//! and configuration contain) → `rules` (findings) → `fixes` (what a migration needs) → `report`.

pub mod assess;
pub mod cli;
pub mod config;
pub mod core;
pub mod discover;
pub mod edit;
pub mod engine;
pub mod facts;
pub mod fixes;
pub mod fleet;
pub mod report;
pub mod rules;
