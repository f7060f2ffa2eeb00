// TEMPORARY STUB: replaced by the pdf-layout branch.
use crate::error::{CoreError, Result};
pub struct Document {
    pub title: String,
    pub author: String,
    pub landscape: bool,
    pub running_head: Vec<String>,
    pub running_foot: String,
    pub blocks: Vec<Block>,
}
pub enum Block {
    Heading(String),
    Paragraph(String),
    Facts(Vec<(String, String)>),
    Table(Table),
    Chart(BarChart),
    Gap,
    PageBreak,
}
pub struct Table {
    pub columns: Vec<Column>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub bold_last_rows: usize,
    pub key_columns: usize,
}
pub struct Column {
    pub align: Align,
    pub max_width: f32,
}
pub enum Align {
    Left,
    Centre,
    Right,
}
pub struct BarChart {
    pub title: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    pub axis_max: f64,
    pub value_suffix: String,
}
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
}
pub fn render(_doc: &Document) -> Result<Vec<u8>> {
    Err(CoreError::Report("stub".into()))
}
