"""Units (one MPTT tree per department root), positions, people and HR scopes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from mptt.models import MPTTModel, TreeForeignKey

from common.models import ChoiceLabels, register_kinds
from orgchart import grades


class StaffType(models.TextChoices):
    CIVIL_SERVANT = "civil_servant", _("ข้าราชการ")
    GOVERNMENT_EMPLOYEE = "government_employee", _("พนักงานราชการ")
    PERMANENT_EMPLOYEE = "permanent_employee", _("ลูกจ้างประจำ")


class PositionType(models.TextChoices):
    EXECUTIVE = grades.EXECUTIVE, _("บริหาร")
    MANAGERIAL = grades.MANAGERIAL, _("อำนวยการ")
    KNOWLEDGE = grades.KNOWLEDGE, _("วิชาการ")
    GENERAL = grades.GENERAL, _("ทั่วไป")
    OTHER = grades.OTHER, _("อื่น ๆ")


class Grade(models.TextChoices):
    """OCSC grade codes (S = บริหาร, M = อำนวยการ)."""

    O1 = "O1", _("ทั่วไป ปฏิบัติงาน (O1)")
    O2 = "O2", _("ทั่วไป ชำนาญงาน (O2)")
    O3 = "O3", _("ทั่วไป อาวุโส (O3)")
    O4 = "O4", _("ทั่วไป ทักษะพิเศษ (O4)")
    K1 = "K1", _("วิชาการ ปฏิบัติการ (K1)")
    K2 = "K2", _("วิชาการ ชำนาญการ (K2)")
    K3 = "K3", _("วิชาการ ชำนาญการพิเศษ (K3)")
    K4 = "K4", _("วิชาการ เชี่ยวชาญ (K4)")
    K5 = "K5", _("วิชาการ ทรงคุณวุฒิ (K5)")
    M1 = "M1", _("อำนวยการ ต้น (M1)")
    M2 = "M2", _("อำนวยการ สูง (M2)")
    S1 = "S1", _("บริหาร ต้น (S1)")
    S2 = "S2", _("บริหาร สูง (S2)")


def _grades_of(ptype: str) -> list[str]:
    return [code for code, (t, _name) in grades.GRADES.items() if t == ptype]


class Ministry(models.Model):
    """The grouping above department trees (กระทรวง); not part of any tree."""

    code = models.CharField(_("รหัส"), max_length=32, unique=True)
    name = models.CharField(_("ชื่อ"), max_length=255)

    class Meta:
        ordering = ["code"]
        verbose_name = _("กระทรวง")
        verbose_name_plural = _("กระทรวง")

    def __str__(self) -> str:
        return self.name


class OrgUnit(MPTTModel):
    """A unit (หน่วยงาน). Roots are departments; each root is its own MPTT tree.

    Structural writes (create, move) go only through orgchart.services, which holds the
    tree lock; never save tree fields by hand.
    """

    code = models.CharField(_("รหัสหน่วยงาน"), max_length=32, unique=True)
    name = models.CharField(_("ชื่อหน่วยงาน"), max_length=255)
    short_name = models.CharField(_("ชื่อย่อ"), max_length=100, blank=True)
    kind = models.CharField(_("ประเภทหน่วยงาน"), max_length=100, blank=True)
    parent = TreeForeignKey(
        "self",
        verbose_name=_("หน่วยงานต้นสังกัด"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    ministry = models.ForeignKey(
        Ministry,
        verbose_name=_("กระทรวง"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="departments",
    )
    head = models.ForeignKey(
        "Person",
        verbose_name=_("หัวหน้า"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_units",
    )
    acting_head = models.ForeignKey(
        "Person",
        verbose_name=_("รักษาราชการแทน"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="acting_units",
    )
    is_active = models.BooleanField(_("ใช้งาน"), default=True)
    use_thai_digits = models.BooleanField(
        _("ใช้เลขไทยในแบบฟอร์มที่พิมพ์"),
        default=False,
        help_text=_("ตั้งค่าที่หน่วยงานระดับกรม ใช้กับทุกหน่วยงานในสังกัด"),
    )

    class MPTTMeta:
        order_insertion_by = ["code"]
        level_attr = "depth"

    class Meta:
        verbose_name = _("หน่วยงาน")
        verbose_name_plural = _("หน่วยงาน")
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | Q(ministry__isnull=True),
                name="orgunit_ministry_only_on_roots",
            ),
            models.CheckConstraint(condition=~Q(code=""), name="orgunit_code_not_blank"),
            models.CheckConstraint(condition=~Q(name=""), name="orgunit_name_not_blank"),
        ]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def effective_head(self):
        """The acting head while one is named (รักษาราชการแทน), otherwise the head."""
        return self.acting_head or self.head

    @property
    def descendant_count(self) -> int:
        return self.get_descendant_count()


class Position(ChoiceLabels, models.Model):
    """A numbered position (เลขที่ตำแหน่ง) in a unit; numbers are unique within a department."""

    department = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ส่วนราชการ"),
        editable=False,
    )
    number = models.CharField(_("เลขที่ตำแหน่ง"), max_length=32)
    title = models.CharField(_("ชื่อตำแหน่งในสายงาน"), max_length=255)
    management_title = models.CharField(_("ตำแหน่งทางการบริหาร"), max_length=255, blank=True)
    line_of_work = models.CharField(_("สายงาน"), max_length=255, blank=True)
    line_code = models.CharField(_("รหัสสายงาน"), max_length=32, blank=True)
    # กลุ่มงาน of a พนักงานราชการ (บริการ, เทคนิค, บริหารทั่วไป, วิชาชีพเฉพาะ, เชี่ยวชาญเฉพาะ)
    # or a ลูกจ้างประจำ (e.g. กลุ่มงานบริการพื้นฐาน, กลุ่มงานช่าง): printed where a civil
    # servant's form prints the level.
    work_group = models.CharField(_("กลุ่มงาน"), max_length=64, blank=True)
    position_type = models.CharField(_("ประเภทตำแหน่ง"), max_length=16, choices=PositionType.choices)
    grade = models.CharField(_("ระดับ"), max_length=2, choices=Grade.choices, blank=True)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("หน่วยงาน"), on_delete=models.PROTECT, related_name="positions"
    )
    is_active = models.BooleanField(_("ใช้งาน"), default=True)

    class Meta:
        verbose_name = _("ตำแหน่ง")
        verbose_name_plural = _("ตำแหน่ง")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "number"], name="position_number_unique_in_department"
            ),
            models.CheckConstraint(condition=~Q(number=""), name="position_number_not_blank"),
            models.CheckConstraint(
                condition=(
                    Q(grade="")
                    | Q(position_type=grades.EXECUTIVE, grade__in=_grades_of(grades.EXECUTIVE))
                    | Q(position_type=grades.MANAGERIAL, grade__in=_grades_of(grades.MANAGERIAL))
                    | Q(position_type=grades.KNOWLEDGE, grade__in=_grades_of(grades.KNOWLEDGE))
                    | Q(position_type=grades.GENERAL, grade__in=_grades_of(grades.GENERAL))
                ),
                name="position_grade_matches_type",
            ),
        ]
        indexes = [models.Index(fields=["number"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def grade_label(self) -> str:
        return grades.grade_label(self.grade) if self.grade else self.get_position_type_display()


class Person(ChoiceLabels, models.Model):
    """A member of staff. National ID is deliberately not stored."""

    staff_code = models.CharField(_("รหัสบุคลากร"), max_length=32, unique=True)
    title = models.CharField(_("คำนำหน้า"), max_length=64)
    first_name = models.CharField(_("ชื่อ"), max_length=150)
    last_name = models.CharField(_("นามสกุล"), max_length=150)
    staff_type = models.CharField(
        _("ประเภทบุคลากร"), max_length=32, choices=StaffType.choices, default=StaffType.CIVIL_SERVANT
    )
    on_probation = models.BooleanField(_("ทดลองปฏิบัติราชการ"), default=False)
    salary = models.DecimalField(
        _("เงินเดือน"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    email = models.EmailField(_("อีเมล"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        verbose_name=_("บัญชีผู้ใช้"),
    )
    position = models.OneToOneField(
        Position,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="holder",
        verbose_name=_("ตำแหน่ง"),
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("หน่วยงาน"), on_delete=models.PROTECT, related_name="people"
    )
    evaluator_override = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ผู้ประเมิน (กำหนดเอง)"),
        help_text=_("เว้นว่างเพื่อใช้หัวหน้าหน่วยงานตามโครงสร้าง"),
    )
    is_active = models.BooleanField(_("ปฏิบัติงานอยู่"), default=True)

    class Meta:
        verbose_name = _("บุคลากร")
        verbose_name_plural = _("บุคลากร")
        ordering = ["first_name", "last_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(salary__isnull=True) | Q(salary__gte=0),
                name="person_salary_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(evaluator_override=models.F("pk")), name="person_not_own_evaluator"
            ),
            models.CheckConstraint(condition=~Q(staff_code=""), name="person_code_not_blank"),
        ]
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        # Thai official style writes the title joined to the first name (นายสมชาย, ว่าที่ร้อยตรีสมชาย).
        return f"{self.title}{self.first_name} {self.last_name}"


class HrScope(models.Model):
    """An HR officer's reach: the subtree under one unit. A user may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hr_scopes"
    )
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="hr_scopes")

    class Meta:
        verbose_name = _("ขอบเขตงานบุคคล")
        verbose_name_plural = _("ขอบเขตงานบุคคล")
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="hrscope_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.unit}"


@register_kinds
class OrgEvent(models.TextChoices):
    """What the audit trail records of the org chart (common.models.audit)."""

    UNIT_CREATE = "unit.create", _("สร้างหน่วยงาน")
    UNIT_UPDATE = "unit.update", _("แก้ไขหน่วยงาน")
    UNIT_MOVE = "unit.move", _("ย้ายหน่วยงาน")
    PERSON_SET_EVALUATOR = "person.set_evaluator", _("กำหนดผู้ประเมินของบุคลากร")
    IMPORT = "orgchart.import", _("นำเข้าข้อมูลบุคลากร")
