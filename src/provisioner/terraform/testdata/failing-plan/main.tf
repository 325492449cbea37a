resource "terraform_data" "x" {
  input = file("${path.module}/does-not-exist.txt")
}
