#include "nas/graphviz_render.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

extern char** environ;

namespace bitnas::cli {

namespace {

std::string system_error(const std::string& what, int error) {
  return what + ": " + std::strerror(error);
}

// Spawn file actions that make the pipe's read end the child's stdin.
class StdinFromPipe {
 public:
  explicit StdinFromPipe(const int (&fds)[2]) {
    posix_spawn_file_actions_init(&actions_);
    posix_spawn_file_actions_adddup2(&actions_, fds[0], STDIN_FILENO);
    posix_spawn_file_actions_addclose(&actions_, fds[0]);
    posix_spawn_file_actions_addclose(&actions_, fds[1]);
  }
  ~StdinFromPipe() { posix_spawn_file_actions_destroy(&actions_); }
  StdinFromPipe(const StdinFromPipe&) = delete;
  StdinFromPipe& operator=(const StdinFromPipe&) = delete;
  const posix_spawn_file_actions_t* get() const { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

// While alive, a write to a pipe whose reader has exited fails with EPIPE instead of
// killing the process with SIGPIPE.
class IgnoreSigpipe {
 public:
  IgnoreSigpipe() {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore, &previous_);
  }
  ~IgnoreSigpipe() { sigaction(SIGPIPE, &previous_, nullptr); }
  IgnoreSigpipe(const IgnoreSigpipe&) = delete;
  IgnoreSigpipe& operator=(const IgnoreSigpipe&) = delete;

 private:
  struct sigaction previous_ {};
};

// Writes everything; false if the reader went away.
bool write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

void render_with_graphviz(const std::string& dot_text, const std::string& format,
                          const std::string& output_path) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error(system_error("cannot create a pipe for dot", errno));
  std::string type_flag = "-T" + format;
  std::string program = "dot", out_flag = "-o", path = output_path;
  std::vector<char*> argv = {program.data(), type_flag.data(), out_flag.data(), path.data(),
                             nullptr};
  pid_t pid = 0;
  int rc;
  {
    const StdinFromPipe actions(fds);
    rc = posix_spawnp(&pid, "dot", actions.get(), nullptr, argv.data(), environ);
  }
  ::close(fds[0]);
  if (rc != 0) {
    ::close(fds[1]);
    if (rc == ENOENT)
      throw GraphvizMissing("cannot write " + output_path +
                               ": the Graphviz program 'dot' is not on PATH; install graphviz "
                               "(Debian: apt-get install graphviz) or write DOT text with "
                               "-o FILE.dot");
    throw std::runtime_error(system_error("cannot run Graphviz 'dot'", rc));
  }
  bool written;
  {
    const IgnoreSigpipe guard;
    written = write_all(fds[1], dot_text);
    ::close(fds[1]);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw std::runtime_error(system_error("waiting for Graphviz 'dot'", errno));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !written)
    throw std::runtime_error("Graphviz 'dot -T" + format + "' failed to write " + output_path +
                             (WIFEXITED(status)
                                  ? " (exit status " + std::to_string(WEXITSTATUS(status)) + ")"
                                  : " (killed by a signal)") +
                             "; its message is above");
}

std::optional<std::string> render_svg_with_graphviz(const std::string& dot_text) {
  // dot writes to a file of ours rather than a second pipe: one way of running it, and no
  // risk of both ends of two pipes filling up at once.
  static std::atomic<int> counter{0};
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("bitnas-graphviz-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".svg");
  struct RemoveOnExit {
    std::filesystem::path path;
    ~RemoveOnExit() {
      std::error_code ignored;
      std::filesystem::remove(path, ignored);
    }
  } const remove_on_exit{path};
  try {
    render_with_graphviz(dot_text, "svg", path.string());
  } catch (const GraphvizMissing&) {
    return std::nullopt;
  }
  std::ifstream file(path, std::ios::binary);
  std::ostringstream svg;
  svg << file.rdbuf();
  if (!file) throw std::runtime_error("cannot read Graphviz's output " + path.string());
  return svg.str();
}

}  // namespace bitnas::cli
