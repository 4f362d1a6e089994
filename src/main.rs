fn main() -> std::process::ExitCode {
    maskinporten_migrate::cli::main()
}
