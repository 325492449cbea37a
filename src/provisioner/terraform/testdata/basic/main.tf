# A small workspace template: a persistent home, an ephemeral machine with an agent, apps, a
# script, env, metadata and parameters. terraform_data stands in for real infrastructure.
terraform {
  required_providers {
    coder = {
      source  = "coder/coder"
      version = ">= 2.0"
    }
  }
}

variable "region" {
  type        = string
  description = "Where the workspace runs."
  default     = "eu-west"
}

variable "replicas" {
  type = number
}

variable "api_key" {
  type      = string
  sensitive = true
  default   = ""
}

variable "labels" {
  type    = map(string)
  default = { team = "dev" }
}

data "coder_workspace" "me" {}
data "coder_workspace_owner" "me" {}

data "coder_parameter" "shell" {
  name         = "shell"
  display_name = "Shell"
  default      = "bash"
  mutable      = true
  option {
    name  = "Bash"
    value = "bash"
  }
  option {
    name  = "Zsh"
    value = "zsh"
  }
}

data "coder_parameter" "cpus" {
  name    = "cpus"
  type    = "number"
  default = "2"
  validation {
    min   = 1
    max   = 8
    error = "Between {min} and {max}."
  }
}

data "coder_parameter" "dotfiles" {
  name        = "dotfiles"
  description = "Dotfiles repository."
  mutable     = true
}

data "coder_external_auth" "github" {
  id       = "github"
  optional = true
}

resource "coder_agent" "main" {
  os                      = "linux"
  arch                    = "amd64"
  dir                     = "/home/${data.coder_workspace_owner.me.name}"
  env                     = { SHELL_CHOICE = data.coder_parameter.shell.value, SAME = "agent" }
  startup_script          = "echo hello"
  startup_script_behavior = "blocking"
  shutdown_script         = "echo bye"
  metadata {
    key          = "load"
    display_name = "Load"
    script       = "cat /proc/loadavg"
    interval     = 10
    timeout      = 1
  }
}

resource "coder_app" "code" {
  agent_id     = coder_agent.main.id
  slug         = "code"
  display_name = "Code Server"
  url          = "http://localhost:13337"
  share        = "authenticated"
  healthcheck {
    url       = "http://localhost:13337/healthz"
    interval  = 5
    threshold = 3
  }
}

resource "coder_app" "shell" {
  agent_id = coder_agent.main.id
  slug     = "shell"
  command  = "bash"
  open_in  = "tab"
}

resource "coder_script" "dotfiles" {
  agent_id     = coder_agent.main.id
  display_name = "Dotfiles"
  script       = "echo ${data.coder_parameter.dotfiles.value}"
  run_on_start = true
}

resource "coder_env" "editor" {
  agent_id = coder_agent.main.id
  name     = "EDITOR"
  value    = "vim"
}

resource "coder_env" "same" {
  agent_id = coder_agent.main.id
  name     = "SAME"
  value    = "env"
}

resource "terraform_data" "home" {
  input = "home-${data.coder_workspace_owner.me.name}-${var.region}"
}

resource "terraform_data" "machine" {
  count = data.coder_workspace.me.start_count
  input = {
    init    = coder_agent.main.init_script
    token   = coder_agent.main.token
    home    = terraform_data.home.id
    cpus    = data.coder_parameter.cpus.value
    workspace = data.coder_workspace.me.name
  }
}

resource "coder_metadata" "home" {
  resource_id = terraform_data.home.id
  icon        = "/icon/folder.svg"
  daily_cost  = 3
  item {
    key   = "owner"
    value = data.coder_workspace_owner.me.name
  }
  item {
    key       = "secret"
    value     = "hunter2"
    sensitive = true
  }
}
