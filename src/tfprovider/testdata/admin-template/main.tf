# A workspace template of the kind an admin writes: a persistent home volume, a workspace
# "machine" that exists only while the workspace runs, an agent that boots on it, apps, scripts,
# parameters and metadata. terraform_data stands in for a real cloud resource.
terraform {
  required_providers {
    coder = {
      source  = "coder/coder"
      version = "~> 2.0"
    }
  }
}

provider "coder" {}

data "coder_workspace" "me" {}
data "coder_workspace_owner" "me" {}

data "coder_parameter" "image" {
  name         = "image"
  display_name = "Base image"
  description  = "Operating system image of the workspace."
  default      = "ubuntu-24.04"
  mutable      = true
  icon         = "/icon/ubuntu.svg"
  option {
    name  = "Ubuntu 24.04"
    value = "ubuntu-24.04"
  }
  option {
    name  = "Debian 12"
    value = "debian-12"
  }
}

data "coder_parameter" "cpus" {
  name         = "cpus"
  display_name = "CPU cores"
  type         = "number"
  default      = "2"
  mutable      = true
  order        = 2
  validation {
    min   = 1
    max   = 16
    error = "Choose between {min} and {max} cores."
  }
}

data "coder_parameter" "home_size" {
  name         = "home_size"
  display_name = "Home volume (GB)"
  type         = "number"
  default      = "20"
  mutable      = true
  validation {
    min       = 10
    max       = 500
    monotonic = "increasing"
  }
}

data "coder_parameter" "dotfiles" {
  name        = "dotfiles"
  description = "Git URL of your dotfiles repository (optional)."
  default     = ""
  mutable     = true
}

resource "coder_agent" "main" {
  os   = "linux"
  arch = "amd64"
  dir  = "/home/${data.coder_workspace_owner.me.name}"
  env = {
    GIT_AUTHOR_NAME  = data.coder_workspace_owner.me.full_name
    GIT_AUTHOR_EMAIL = data.coder_workspace_owner.me.email
  }
  startup_script_behavior = "blocking"
  startup_script          = <<-SCRIPT
    set -e
    mkdir -p ~/projects
    if [ -n "${data.coder_parameter.dotfiles.value}" ]; then
      coder dotfiles -y "${data.coder_parameter.dotfiles.value}"
    fi
  SCRIPT

  metadata {
    display_name = "CPU usage"
    key          = "cpu"
    script       = "top -bn1 | awk 'NR==3 {print $2}'"
    interval     = 10
    timeout      = 1
  }
  metadata {
    display_name = "Home disk"
    key          = "home"
    script       = "df -h ~ | awk 'NR==2 {print $5}'"
    interval     = 60
    timeout      = 2
  }
  display_apps {
    vscode          = true
    web_terminal    = true
    ssh_helper      = false
  }
}

resource "coder_app" "code_server" {
  agent_id     = coder_agent.main.id
  slug         = "code-server"
  display_name = "VS Code (browser)"
  url          = "http://localhost:13337/?folder=/home/${data.coder_workspace_owner.me.name}"
  icon         = "/icon/code.svg"
  subdomain    = false
  share        = "owner"
  order        = 1
  healthcheck {
    url       = "http://localhost:13337/healthz"
    interval  = 5
    threshold = 6
  }
}

resource "coder_app" "docs" {
  agent_id     = coder_agent.main.id
  slug         = "docs"
  display_name = "Team handbook"
  url          = "https://handbook.example.com"
  external     = true
}

resource "coder_script" "code_server" {
  agent_id           = coder_agent.main.id
  display_name       = "Install code-server"
  icon               = "/icon/code.svg"
  run_on_start       = true
  start_blocks_login = false
  script             = "curl -fsSL https://example.com/install-code-server.sh | sh -s -- --port 13337"
}

resource "coder_script" "nightly_cleanup" {
  agent_id     = coder_agent.main.id
  display_name = "Clean caches"
  cron         = "0 0 3 * * *"
  script       = "rm -rf ~/.cache/tmp-*"
}

resource "coder_env" "editor" {
  agent_id = coder_agent.main.id
  name     = "EDITOR"
  value    = "vim"
}

# Persistent: survives stop/start, only goes away when the workspace is deleted.
resource "terraform_data" "home_volume" {
  input = {
    name = "home-${data.coder_workspace.me.id}"
    size = data.coder_parameter.home_size.value
  }
  lifecycle {
    ignore_changes = all
  }
}

# Ephemeral: exists only while the workspace is started.
resource "terraform_data" "machine" {
  count = data.coder_workspace.me.start_count
  input = {
    hostname = lower(data.coder_workspace.me.name)
    image    = data.coder_parameter.image.value
    cpus     = data.coder_parameter.cpus.value
    volume   = terraform_data.home_volume.output.name
    # The machine runs the agent's bootstrap script with the agent token.
    boot     = coder_agent.main.init_script
    token    = coder_agent.main.token
  }
}

resource "coder_metadata" "machine" {
  count       = data.coder_workspace.me.start_count
  resource_id = terraform_data.machine[0].id
  daily_cost  = 10
  item {
    key   = "image"
    value = data.coder_parameter.image.value
  }
  item {
    key   = "cpus"
    value = data.coder_parameter.cpus.value
  }
}

resource "coder_metadata" "home_volume" {
  resource_id = terraform_data.home_volume.id
  hide        = false
  icon        = "/icon/database.svg"
  item {
    key   = "size"
    value = "${data.coder_parameter.home_size.value} GB"
  }
}
