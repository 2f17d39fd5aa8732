// Imports: refuse an oversized file before it is sent, and apply a select as soon as it changes.
document.addEventListener("change", (event) => {
  const input = event.target;
  if (input.matches("input[type=file][data-max-bytes]")) {
    const file = input.files && input.files[0];
    const tooLarge = file && file.size > Number(input.dataset.maxBytes);
    input.setCustomValidity(tooLarge ? input.dataset.tooLarge : "");
    input.reportValidity();
  }
  if (input.matches("select[data-autosubmit]") && input.form) {
    input.form.requestSubmit();
  }
});

// The fields of a new report matter only when no existing report is chosen.
function toggleNewReport() {
  const select = document.querySelector("#upload-form select[name=report]");
  const fieldset = document.getElementById("new-report-fields");
  if (select && fieldset) {
    fieldset.hidden = select.value !== "";
    fieldset.disabled = select.value !== "";
  }
}
document.addEventListener("change", (event) => {
  if (event.target.matches("#upload-form select[name=report]")) {
    toggleNewReport();
  }
});
document.addEventListener("DOMContentLoaded", toggleNewReport);
