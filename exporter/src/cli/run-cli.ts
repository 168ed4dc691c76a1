/**
 * Runs a command-line task: failures end the process with one clear line on stderr and
 * exit code 1, never a stack trace (set DEBUG_STACK=1 to see one).
 */
export async function runCli(task: () => Promise<void>): Promise<void> {
  try {
    await task();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`error: ${message}`);
    if (process.env.DEBUG_STACK) console.error(error);
    process.exitCode = 1;
  }
}
