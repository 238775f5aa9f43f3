"""The CSV upload form: checks the size and reads the rows (`csvio.read_rows`)."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from ceutrack.activities import csvio


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Saved from a spreadsheet as CSV (comma or semicolon separated).",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if upload.size > csvio.MAX_IMPORT_BYTES:
            raise ValidationError(
                f"The file is larger than {csvio.MAX_IMPORT_BYTES // 2**20} MB. Split it."
            )
        try:
            self.rows = csvio.read_rows(upload.read())
        except csvio.CsvError as error:
            raise ValidationError(str(error)) from None
        return upload
