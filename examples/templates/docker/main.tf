# Workspaces as Docker containers on the provisioner's Docker host. Needs Docker on that host and
# internet access for `terraform init` (the kreuzwerker/docker provider comes from the registry).
terraform {
  required_providers {
    coder = {
      source  = "coder/coder"
      version = ">= 2.0"
    }
    docker = {
      source  = "kreuzwerker/docker"
      version = "~> 3.0"
    }
  }
}

variable "docker_socket" {
  description = "Docker daemon to use (default: the local socket)."
  type        = string
  default     = ""
}

provider "docker" {
  host = var.docker_socket != "" ? var.docker_socket : null
}

provider "coder" {}

data "coder_provisioner" "me" {}
data "coder_workspace" "me" {}
data "coder_workspace_owner" "me" {}

data "coder_parameter" "image" {
  name         = "image"
  display_name = "Image"
  description  = "Container image of the workspace."
  default      = "codercom/enterprise-base:ubuntu"
  mutable      = true
  option {
    name  = "Ubuntu (Coder base image)"
    value = "codercom/enterprise-base:ubuntu"
  }
  option {
    name  = "Node.js"
    value = "codercom/enterprise-node:ubuntu"
  }
}

locals {
  username       = data.coder_workspace_owner.me.name
  container_name = "hangar-${lower(data.coder_workspace_owner.me.name)}-${lower(data.coder_workspace.me.name)}"
}

resource "coder_agent" "main" {
  os             = "linux"
  arch           = data.coder_provisioner.me.arch
  startup_script = <<-EOT
    set -e
    # The image's home starts empty on the first start; copy the skeleton once.
    if [ ! -f ~/.init_done ]; then
      cp -rT /etc/skel ~
      touch ~/.init_done
    fi
  EOT

  env = {
    GIT_AUTHOR_NAME     = coalesce(data.coder_workspace_owner.me.full_name, data.coder_workspace_owner.me.name)
    GIT_AUTHOR_EMAIL    = data.coder_workspace_owner.me.email
    GIT_COMMITTER_NAME  = coalesce(data.coder_workspace_owner.me.full_name, data.coder_workspace_owner.me.name)
    GIT_COMMITTER_EMAIL = data.coder_workspace_owner.me.email
  }

  metadata {
    display_name = "CPU usage"
    key          = "cpu"
    script       = "top -bn1 | awk 'NR==3 {print $2 \"%\"}'"
    interval     = 10
    timeout      = 2
  }
  metadata {
    display_name = "Home disk"
    key          = "home"
    script       = "du -sh \"$HOME\" | cut -f1"
    interval     = 60
    timeout      = 10
  }
}

# The home volume outlives stops; it is removed with the workspace.
resource "docker_volume" "home" {
  name = "hangar-${data.coder_workspace.me.id}-home"
  lifecycle {
    ignore_changes = all
  }
  labels {
    label = "hangar.workspace_id"
    value = data.coder_workspace.me.id
  }
  labels {
    label = "hangar.owner"
    value = data.coder_workspace_owner.me.name
  }
}

resource "docker_image" "workspace" {
  name = data.coder_parameter.image.value
}

resource "docker_container" "workspace" {
  count    = data.coder_workspace.me.start_count
  image    = docker_image.workspace.image_id
  name     = local.container_name
  hostname = data.coder_workspace.me.name
  # The init script downloads the agent from the deployment; localhost means the Docker host.
  entrypoint = ["sh", "-c", replace(coder_agent.main.init_script, "/localhost|127\\.0\\.0\\.1/", "host.docker.internal")]
  env        = ["CODER_AGENT_TOKEN=${coder_agent.main.token}"]
  host {
    host = "host.docker.internal"
    ip   = "host-gateway"
  }
  volumes {
    container_path = "/home/coder"
    volume_name    = docker_volume.home.name
    read_only      = false
  }
  labels {
    label = "hangar.workspace_id"
    value = data.coder_workspace.me.id
  }
}

resource "coder_metadata" "container" {
  count       = data.coder_workspace.me.start_count
  resource_id = docker_container.workspace[0].id
  item {
    key   = "image"
    value = data.coder_parameter.image.value
  }
}
