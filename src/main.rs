fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(aiops::run(std::env::args_os()))
}
