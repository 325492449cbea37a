# Workspaces as processes on the provisioner's own Linux machine: nothing to install beyond
# Hangar and Terraform. Each workspace gets a home directory that lives until the workspace is
# deleted, and an agent process that runs only while the workspace is started.
#
# When Terraform runs as root, every workspace gets its own Unix user (created on first start,
# removed on delete) so workspaces cannot read each other's files. Otherwise every workspace
# runs as the provisioner's user, each in its own directory.
#
# Values from users never reach a shell unquoted: the scripts in ./scripts read them from
# environment variables set by each provisioner's `environment`, and the command line is only
# the script's path.
terraform {
  required_providers {
    coder = {
      source  = "coder/coder"
      version = ">= 2.0"
    }
  }
}

variable "workspaces_dir" {
  description = "Directory that holds the workspace homes (default: /home as root, else ~/.hangar-workspaces)."
  type        = string
  default     = ""
}

provider "coder" {}

data "coder_provisioner" "me" {}
data "coder_workspace" "me" {}
data "coder_workspace_owner" "me" {}

data "coder_parameter" "shell" {
  name         = "shell"
  display_name = "Shell"
  description  = "Login shell of the workspace."
  type         = "string"
  default      = "bash"
  mutable      = true
  order        = 1
  option {
    name  = "Bash"
    value = "bash"
  }
  option {
    name  = "POSIX sh"
    value = "sh"
  }
}

data "coder_parameter" "dotfiles_uri" {
  name         = "dotfiles_uri"
  display_name = "Dotfiles repository"
  description  = "Git URL of a dotfiles repository to clone and install on start (optional)."
  type         = "string"
  default      = ""
  mutable      = true
  order        = 2
  validation {
    regex = "^$|^(https://|ssh://|git://|git@)[A-Za-z0-9._~:/@%+=-]+$"
    error = "Use an https://, ssh://, git:// or git@host:path URL."
  }
}

locals {
  # Root check from the Terraform process itself; false where /proc does not exist.
  as_root = can(regex("(?m)^Uid:\\s+0\\s", file("/proc/self/status")))

  # A valid, unique Unix user name of at most 32 characters: a readable prefix from the owner
  # and workspace names plus a hash of the workspace id (names can be reused after a delete).
  slug      = trim(replace(lower("${data.coder_workspace_owner.me.name}-${data.coder_workspace.me.name}"), "/[^a-z0-9-]+/", "-"), "-")
  unix_user = "hw-${substr(local.slug, 0, min(length(local.slug), 20))}-${substr(sha256(data.coder_workspace.me.id), 0, 6)}"

  workspaces_dir = var.workspaces_dir != "" ? var.workspaces_dir : (local.as_root ? "/home" : pathexpand("~/.hangar-workspaces"))
  home           = "${local.workspaces_dir}/${local.unix_user}"
  # Pid files live where the workspace user cannot write, so a stop never signals a process
  # the workspace chose.
  run_dir = local.as_root ? "/run/hangar-local-workspaces" : "${local.workspaces_dir}/.run"
}

resource "coder_agent" "main" {
  os   = data.coder_provisioner.me.os
  arch = data.coder_provisioner.me.arch
  dir  = local.home
  env = {
    HANGAR_DOTFILES_URI = data.coder_parameter.dotfiles_uri.value
  }
  startup_script_behavior = "non-blocking"
  startup_script          = file("${path.module}/scripts/startup.sh")

  metadata {
    key          = "home_size"
    display_name = "Home disk usage"
    script       = "du -sh \"$HOME\" 2>/dev/null | cut -f1"
    interval     = 60
    timeout      = 10
  }
  metadata {
    key          = "load"
    display_name = "Load average"
    script       = "cut -d ' ' -f 1-3 /proc/loadavg"
    interval     = 10
    timeout      = 2
  }
}

# The persistent part: the home directory (and, as root, its Unix user). It has no start_count,
# so a stop keeps it; the destroy provisioner removes it when the workspace is deleted.
resource "terraform_data" "home" {
  input = {
    home    = local.home
    user    = local.unix_user
    as_root = local.as_root ? "1" : "0"
  }

  provisioner "local-exec" {
    interpreter = ["/bin/sh"]
    command     = "${path.module}/scripts/create-home.sh"
    environment = {
      WS_HOME    = self.input.home
      WS_USER    = self.input.user
      WS_AS_ROOT = self.input.as_root
    }
  }

  provisioner "local-exec" {
    when        = destroy
    interpreter = ["/bin/sh"]
    command     = "${path.module}/scripts/delete-home.sh"
    environment = {
      WS_HOME    = self.input.home
      WS_USER    = self.input.user
      WS_AS_ROOT = self.input.as_root
    }
  }
}

resource "coder_metadata" "home" {
  resource_id = terraform_data.home.id
  icon        = "/icon/folder.svg"
  item {
    key   = "home"
    value = local.home
  }
  item {
    key   = "user"
    value = local.as_root ? local.unix_user : "(the provisioner's user)"
  }
}

# The ephemeral part: the agent process, started detached by the create provisioner and killed
# by the destroy provisioner. start_count is 0 on stop, so a stop destroys it.
resource "terraform_data" "agent" {
  count = data.coder_workspace.me.start_count

  # A new token, init script or shell restarts the agent.
  triggers_replace = [
    coder_agent.main.id,
    sha256(coder_agent.main.init_script),
    data.coder_parameter.shell.value,
  ]

  input = {
    home     = terraform_data.home.output.home
    user     = terraform_data.home.output.user
    as_root  = terraform_data.home.output.as_root
    pid_file = "${local.run_dir}/${local.unix_user}.pid"
  }

  provisioner "local-exec" {
    interpreter = ["/bin/sh"]
    command     = "${path.module}/scripts/start-agent.sh"
    environment = {
      CODER_AGENT_TOKEN = coder_agent.main.token
      WS_INIT_SCRIPT    = coder_agent.main.init_script
      WS_SHELL          = data.coder_parameter.shell.value
      WS_HOME           = self.input.home
      WS_USER           = self.input.user
      WS_AS_ROOT        = self.input.as_root
      WS_PID_FILE       = self.input.pid_file
    }
  }

  provisioner "local-exec" {
    when        = destroy
    interpreter = ["/bin/sh"]
    command     = "${path.module}/scripts/stop-agent.sh"
    environment = {
      WS_PID_FILE = self.input.pid_file
      WS_USER     = self.input.user
      WS_AS_ROOT  = self.input.as_root
    }
  }
}
