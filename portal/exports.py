"""Tabular exports whose memory stays flat: CSV streamed row by row, XLSX and ODS written to a temporary file."""

import csv
import tempfile
import zipfile
from xml.sax.saxutils import escape

from django.http import FileResponse, StreamingHttpResponse


FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


class _Echo:
    def write(self, value):
        return value


def csv_lines(header, rows):
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"  # so that spreadsheet programs read the file as UTF-8
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(["" if value is None else value for value in row])


def write_xlsx(handle, header, rows, *, progress=None):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(header)
    for index, row in enumerate(rows, start=1):
        sheet.append(["" if value is None else value for value in row])
        if progress and index % 500 == 0:
            progress(index)
    workbook.save(handle)


ODS_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""
ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="Export">'
)
ODS_TAIL = "</table:table></office:spreadsheet></office:body></office:document-content>"


def _ods_row(values):
    cells = []
    for value in values:
        if isinstance(value, int | float) and not isinstance(value, bool):
            cell = f'<table:table-cell office:value-type="float" office:value="{value}">'
            cells.append(f"{cell}<text:p>{value}</text:p></table:table-cell>")
        else:
            text = escape("" if value is None else str(value))
            cells.append(f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>')
    return "<table:table-row>" + "".join(cells) + "</table:table-row>"


def write_ods(handle, header, rows, *, progress=None):
    """Write an OpenDocument spreadsheet, streaming its content so that memory does not grow with the rows."""
    with zipfile.ZipFile(handle, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        with archive.open(zipfile.ZipInfo("content.xml", date_time=(2026, 1, 1, 0, 0, 0)), "w") as content:
            content.write(ODS_HEAD.encode())
            content.write(_ods_row(header).encode())
            for index, row in enumerate(rows, start=1):
                content.write(_ods_row(row).encode())
                if progress and index % 500 == 0:
                    progress(index)
            content.write(ODS_TAIL.encode())


def write_file(handle, fmt, header, rows, *, progress=None):
    if fmt == "csv":
        for line in csv_lines(header, rows):
            handle.write(line.encode("utf-8"))
    elif fmt == "xlsx":
        write_xlsx(handle, header, rows, progress=progress)
    else:
        write_ods(handle, header, rows, progress=progress)


def export_response(fmt, filename, header, rows):
    """Return the export as a download: CSV streamed as it is produced, XLSX/ODS through a temporary file."""
    if fmt == "csv":
        response = StreamingHttpResponse(csv_lines(header, rows), content_type=FORMATS["csv"])
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    handle = tempfile.TemporaryFile()
    write_file(handle, fmt, header, rows)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=f"{filename}.{fmt}", content_type=FORMATS[fmt])
