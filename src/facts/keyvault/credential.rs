//! Which Azure credential lists the vault (`--azure-credential`). The Rust SDK has no
//! `DefaultAzureCredential`, so the tool makes the choice itself, from the environment, the same
//! way for everyone.

/// The Azure credential used to list a vault (`--azure-credential`, default `auto`).
///
/// `auto` picks one credential from the environment, in this order:
/// 1. **workload identity** when `AZURE_FEDERATED_TOKEN_FILE`, `AZURE_CLIENT_ID` and
///    `AZURE_TENANT_ID` are all set (AKS workload identity, or any CI that writes a federated
///    token file);
/// 2. **managed identity** when `IDENTITY_ENDPOINT` or `MSI_ENDPOINT` is set (App Service,
///    Container Apps, Azure Functions, Arc);
/// 3. otherwise the **developer tools**: the Azure CLI (`az login`), then the Azure Developer CLI
///    (`azd auth login`). In GitHub Actions, `azure/login` signs in the Azure CLI, and in Azure
///    Pipelines the `AzureCLI` task does, so this is the credential CI jobs usually get.
///
/// A virtual machine's managed identity (IMDS) sets no variable, so `auto` cannot see it: pass
/// `managed-identity` there. With `managed-identity`, a set `AZURE_CLIENT_ID` selects that
/// user-assigned identity; otherwise the system-assigned identity is used.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum CredentialChoice {
    /// Pick from the environment: workload identity, managed identity, else Azure CLI then azd.
    #[default]
    Auto,
    /// The Azure CLI's signed-in account (`az login`).
    AzureCli,
    /// The Azure CLI, then the Azure Developer CLI (`azd auth login`).
    DeveloperTools,
    /// Workload identity federation (AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID, AZURE_TENANT_ID).
    WorkloadIdentity,
    /// The managed identity of the Azure resource the tool runs on.
    ManagedIdentity,
}

impl CredentialChoice {
    /// The credential this choice stands for here: `Auto` resolved against the process
    /// environment as described on [`CredentialChoice`]; any other choice unchanged.
    pub fn effective(self) -> CredentialChoice {
        self.effective_with(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()))
    }

    /// [`CredentialChoice::effective`] with the environment as a function, for tests.
    fn effective_with(self, is_set: impl Fn(&str) -> bool) -> CredentialChoice {
        if self != CredentialChoice::Auto {
            return self;
        }
        let workload = [
            "AZURE_FEDERATED_TOKEN_FILE",
            "AZURE_CLIENT_ID",
            "AZURE_TENANT_ID",
        ];
        if workload.iter().all(|name| is_set(name)) {
            CredentialChoice::WorkloadIdentity
        } else if is_set("IDENTITY_ENDPOINT") || is_set("MSI_ENDPOINT") {
            CredentialChoice::ManagedIdentity
        } else {
            CredentialChoice::DeveloperTools
        }
    }

    /// What was tried, for the "no credential" message.
    #[cfg_attr(not(feature = "kv"), allow(dead_code))]
    pub(crate) fn tried(self) -> &'static str {
        match self.effective() {
            CredentialChoice::AzureCli => "the Azure CLI",
            CredentialChoice::WorkloadIdentity => "workload identity",
            CredentialChoice::ManagedIdentity => "managed identity",
            CredentialChoice::Auto | CredentialChoice::DeveloperTools => {
                "the Azure CLI, then the Azure Developer CLI"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CredentialChoice::{self, *};

    fn auto_with(set: &[&str]) -> CredentialChoice {
        Auto.effective_with(|name| set.contains(&name))
    }

    #[test]
    fn auto_prefers_workload_identity_when_complete() {
        let all = [
            "AZURE_FEDERATED_TOKEN_FILE",
            "AZURE_CLIENT_ID",
            "AZURE_TENANT_ID",
            "IDENTITY_ENDPOINT",
        ];
        assert_eq!(auto_with(&all), WorkloadIdentity);
    }

    #[test]
    fn auto_ignores_an_incomplete_workload_identity() {
        let partial = ["AZURE_FEDERATED_TOKEN_FILE", "AZURE_CLIENT_ID"];
        assert_eq!(auto_with(&partial), DeveloperTools);
    }

    #[test]
    fn auto_uses_managed_identity_when_an_endpoint_is_set() {
        assert_eq!(auto_with(&["IDENTITY_ENDPOINT"]), ManagedIdentity);
        assert_eq!(auto_with(&["MSI_ENDPOINT"]), ManagedIdentity);
    }

    #[test]
    fn auto_falls_back_to_developer_tools() {
        assert_eq!(auto_with(&[]), DeveloperTools);
        assert_eq!(auto_with(&["AZURE_CLIENT_ID"]), DeveloperTools);
    }

    #[test]
    fn explicit_choices_are_kept() {
        for choice in [AzureCli, DeveloperTools, WorkloadIdentity, ManagedIdentity] {
            assert_eq!(choice.effective_with(|_| true), choice);
        }
    }
}
