fn main() -> std::process::ExitCode {
    simandiri::cli::main()
}
