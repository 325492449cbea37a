# Workspaces as Kubernetes pods with a persistent volume for the home directory. Needs a cluster
# the provisioner can reach and internet access for `terraform init` (hashicorp/kubernetes).
terraform {
  required_providers {
    coder = {
      source  = "coder/coder"
      version = ">= 2.0"
    }
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "~> 2.23"
    }
  }
}

variable "use_kubeconfig" {
  description = "Use ~/.kube/config (true) or the in-cluster service account (false)."
  type        = bool
  default     = false
}

variable "namespace" {
  description = "Namespace for workspace pods and volumes."
  type        = string
  default     = "hangar-workspaces"
}

provider "kubernetes" {
  config_path = var.use_kubeconfig ? "~/.kube/config" : null
}

provider "coder" {}

data "coder_workspace" "me" {}
data "coder_workspace_owner" "me" {}

data "coder_parameter" "cpu" {
  name         = "cpu"
  display_name = "CPU cores"
  type         = "number"
  default      = "2"
  mutable      = true
  validation {
    min = 1
    max = 8
  }
}

data "coder_parameter" "memory" {
  name         = "memory"
  display_name = "Memory (GiB)"
  type         = "number"
  default      = "4"
  mutable      = true
  validation {
    min = 1
    max = 32
  }
}

data "coder_parameter" "home_size" {
  name         = "home_size"
  display_name = "Home volume (GiB)"
  type         = "number"
  default      = "10"
  mutable      = false
  validation {
    min = 1
    max = 200
  }
}

locals {
  name = "hangar-${lower(data.coder_workspace_owner.me.name)}-${lower(data.coder_workspace.me.name)}"
  labels = {
    "app.kubernetes.io/name"     = "hangar-workspace"
    "app.kubernetes.io/instance" = local.name
    "hangar.workspace_id"        = data.coder_workspace.me.id
  }
}

resource "coder_agent" "main" {
  os             = "linux"
  arch           = "amd64"
  startup_script = <<-EOT
    set -e
    if [ ! -f ~/.init_done ]; then
      cp -rT /etc/skel ~
      touch ~/.init_done
    fi
  EOT

  metadata {
    display_name = "Home disk"
    key          = "home"
    script       = "du -sh \"$HOME\" | cut -f1"
    interval     = 60
    timeout      = 10
  }
}

resource "kubernetes_persistent_volume_claim" "home" {
  metadata {
    name      = "${local.name}-home"
    namespace = var.namespace
    labels    = local.labels
  }
  wait_until_bound = false
  spec {
    access_modes = ["ReadWriteOnce"]
    resources {
      requests = {
        storage = "${data.coder_parameter.home_size.value}Gi"
      }
    }
  }
  lifecycle {
    ignore_changes = all
  }
}

resource "kubernetes_deployment" "workspace" {
  count            = data.coder_workspace.me.start_count
  wait_for_rollout = false
  metadata {
    name      = local.name
    namespace = var.namespace
    labels    = local.labels
  }
  spec {
    replicas = 1
    selector {
      match_labels = local.labels
    }
    strategy {
      type = "Recreate"
    }
    template {
      metadata {
        labels = local.labels
      }
      spec {
        security_context {
          run_as_user = 1000
          fs_group    = 1000
        }
        container {
          name              = "dev"
          image             = "codercom/enterprise-base:ubuntu"
          image_pull_policy = "Always"
          command           = ["sh", "-c", coder_agent.main.init_script]
          env {
            name  = "CODER_AGENT_TOKEN"
            value = coder_agent.main.token
          }
          resources {
            requests = {
              cpu    = "250m"
              memory = "512Mi"
            }
            limits = {
              cpu    = data.coder_parameter.cpu.value
              memory = "${data.coder_parameter.memory.value}Gi"
            }
          }
          volume_mount {
            mount_path = "/home/coder"
            name       = "home"
          }
        }
        volume {
          name = "home"
          persistent_volume_claim {
            claim_name = kubernetes_persistent_volume_claim.home.metadata[0].name
          }
        }
      }
    }
  }
}

resource "coder_metadata" "home" {
  resource_id = kubernetes_persistent_volume_claim.home.id
  item {
    key   = "size"
    value = "${data.coder_parameter.home_size.value} GiB"
  }
}
