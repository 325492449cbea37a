# A quick resource, then one whose local-exec sleeps: canceling the apply keeps the quick one's
# state. The script writes its pid so the test can check the sleep is gone too.
variable "pid_file" {
  type = string
}

resource "terraform_data" "quick" {
  input = "done"
}

resource "terraform_data" "slow" {
  input = terraform_data.quick.id
  provisioner "local-exec" {
    command = "echo $$ > '${var.pid_file}'; exec sleep 60"
  }
}
