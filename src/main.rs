fn main() -> std::process::ExitCode {
    let cli = hearken::cli::Cli::from_env_and_args();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&cli.log)
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match hearken::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("hearken: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
