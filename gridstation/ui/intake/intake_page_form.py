"""What the 受理 page's code uses of forms/intake_page.ui (its three tabs: 新建受理, 受理列表, 认证名册),
checked as the form loads; kept beside the page so the page stays a readable length."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QWidget,
)

from gridstation.ui.common.forms import Form


class IntakePageForm(Form):
    FORM = "intake_page.ui"
    actionCombo: QComboBox
    certifyButton: QPushButton
    chosenLabel: QLabel
    clearButton: QPushButton
    countLabel: QLabel
    detailButton: QPushButton
    documentsEdit: QLineEdit
    eligibilityLabel: QLabel
    exportListButton: QPushButton
    exportRosterButton: QPushButton
    fieldsHost: QWidget  # the service's own fields (ServiceFieldsForm)
    materialsHost: QWidget  # placeholder: the service's 材料清单 (MaterialsChecklist)
    filterGridCombo: QComboBox
    filterServiceCombo: QComboBox
    filterStaffCombo: QComboBox
    fromCaption: QLabel
    fromDate: QDateEdit
    intakeGroup: QGroupBox
    intakeTable: QTableView
    messageLabel: QLabel
    newResidentButton: QPushButton
    newSplitter: QSplitter
    pickerHost: QWidget
    residentCard: QLabel
    residentGroup: QGroupBox
    rosterFilterCombo: QComboBox
    rosterPhoneButton: QPushButton
    rosterSearchEdit: QLineEdit
    rosterSummary: QLabel
    rosterTable: QTableView
    saveButton: QPushButton
    serialFilterEdit: QLineEdit
    serviceCombo: QComboBox
    tabs: QTabWidget
    toCaption: QLabel
    toDate: QDateEdit
    viewCombo: QComboBox
    wayCombo: QComboBox
    yearSpin: QSpinBox
