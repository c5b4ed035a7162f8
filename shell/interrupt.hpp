#pragma once
/// Ctrl-C in the shell. Interactively SIGINT only raises a flag: the waits
/// of a running command (shell/watched_requests.hpp) and its loops poll it,
/// so Ctrl-C cancels the command and not the shell; at the prompt libedit
/// clears the line. With -c it ends the process at once, exit status 130.
/// The flag may be read from any thread; the handler is set up on the main
/// thread before the actor system starts (`block_interrupts_here` keeps
/// CAF's threads from taking the signal).

namespace troupe::shell {

enum class on_interrupt { cancel_command, exit_130 };

/// Blocks SIGINT in the calling thread (and so in the threads it starts
/// from now on); `install_interrupt_handler` unblocks it again.
void block_interrupts_here();

/// Sets SIGINT's handler (without SA_RESTART, so a read at the prompt
/// returns) and unblocks SIGINT in the calling thread.
void install_interrupt_handler(on_interrupt what);

/// Ctrl-C was pressed since the flag was last cleared.
bool interrupt_requested();
void clear_interrupt();
/// What the handler does in cancel_command mode (and tests).
void request_interrupt();

} // namespace troupe::shell
