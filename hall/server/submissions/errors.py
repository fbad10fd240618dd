"""Refusals of submissions and their uploads (422, 404, 413, 415 through the one HTTP mapping).

No template names what the client sent (a file name, an item code, a part name): only server-made values.
"""

from __future__ import annotations

from hall.server.domain.errors import DomainError


class SubmissionNotFound(DomainError):
    code = "submission.not_found"
    kind = "not_found"
    template_zh = "没有该登记编号的办件"
    template_en = "no submission with this code"


class MaterialUnknown(DomainError):
    code = "submission.material_unknown"
    template_zh = "该办件中没有这份材料"
    template_en = "no such material in this submission"


class SignatureFile(DomainError):
    code = "submission.signature_file"
    template_zh = "容缺承诺书签名须作为 PNG 文件上传"
    template_en = "the commitment signature must be an uploaded PNG part"


class SignatureNotPng(DomainError):
    code = "upload.signature_not_png"
    kind = "unsupported"
    template_zh = "容缺承诺书签名须为 PNG 图片"
    template_en = "the commitment signature must be a PNG image"


class FileMissing(DomainError):
    code = "submission.file_missing"
    template_zh = "材料所指的文件没有上传"
    template_en = "a material names a file part that was not uploaded"


class BadMultipart(DomainError):
    code = "submission.bad_multipart"
    template_zh = "请求须为 multipart/form-data 格式"
    template_en = "expected multipart/form-data"


class DataMissing(DomainError):
    code = "submission.data_missing"
    template_zh = "缺少 JSON 格式的 data 部分"
    template_en = "a 'data' part with JSON is required"


class BadFilename(DomainError):
    code = "upload.bad_filename"
    template_zh = "文件名不能包含路径"
    template_en = "a file name must be a plain name, without a path"


class FileNotFound(DomainError):
    code = "file.not_found"
    kind = "not_found"
    template_zh = "没有该文件"
    template_en = "no such file"


class Polyglot(DomainError):
    code = "upload.polyglot"
    kind = "unsupported"
    template_zh = "文件已损坏或夹带其他内容，请重新拍照或扫描"
    template_en = "the file is damaged or carries other content; photograph or scan it again"


class UnsupportedType(DomainError):
    code = "upload.unsupported_type"
    kind = "unsupported"
    template_zh = "只接受 JPEG、PNG 和 PDF 文件"
    template_en = "only JPEG, PNG and PDF files are accepted"


class EmptyUpload(DomainError):
    code = "upload.empty"
    kind = "unsupported"
    template_zh = "空文件不是 JPEG、PNG 或 PDF 文件"
    template_en = "an empty file is not a JPEG, PNG or PDF"


class FileTooLarge(DomainError):
    code = "upload.file_too_large"
    kind = "too_large"
    template_zh = "单个文件最大 {max_bytes} 字节"
    template_en = "a file may be at most {max_bytes} bytes"


class SubmissionTooLarge(DomainError):
    code = "upload.submission_too_large"
    kind = "too_large"
    template_zh = "本次提交的文件总量过大"
    template_en = "the submission's files are too large"


class ImageTooLarge(DomainError):
    code = "upload.image_too_large"
    kind = "too_large"
    template_zh = "图片最多 {max_pixels} 像素"
    template_en = "an image may have at most {max_pixels} pixels"


class CompanyNotFound(DomainError):
    code = "elicense.company_not_found"
    kind = "not_found"
    template_zh = "电子证照库中没有该统一社会信用代码的企业，请手工填写企业信息"
    template_en = "the e-licence library knows no company with this credit code; fill in its details by hand"
