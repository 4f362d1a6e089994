//! The `maskinporten-migrate` binary: everything lives in the library; see `cli`.

fn main() -> std::process::ExitCode {
    maskinporten_migrate::cli::main()
}
